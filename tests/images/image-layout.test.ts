import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, services, testEnv, waitReady } from '@shop/test-kit';

/**
 * Rebuilds each image's runtime layout without Docker (see the Dockerfile header): production
 * dependencies only, the compiled libs and service, started with the image's exact command.
 * A runtime import of a dev dependency, or a file the image does not copy, fails here.
 */
const root = path.resolve(__dirname, '../..');
const libs = ['contracts', 'demo-data', 'platform', 'messaging'];
let layout: string;

beforeAll(() => {
  layout = mkdtempSync(path.join(tmpdir(), 'image-layout-'));
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) cpSync(path.join(root, file), path.join(layout, file));
  const workspaces = [...libs.map((l) => `libs/${l}`), ...services.map((s) => `services/${s}`)];
  for (const dir of workspaces) {
    cpSync(path.join(root, dir, 'package.json'), path.join(layout, dir, 'package.json'));
    cpSync(path.join(root, dir, 'dist'), path.join(layout, dir, 'dist'), { recursive: true });
  }
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...workspaces.map((w) => `--workspace=${w}`)],
    { cwd: layout, encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`npm ci --omit=dev failed: ${install.stderr}`);
}, 240_000);

afterAll(() => rmSync(layout, { recursive: true, force: true }));

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** The arguments after `node` in the service's CMD in the Dockerfile. */
function dockerfileCommand(service: string): string[] {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD [') && line.includes(`services/${service}/dist/main.js`));
  if (!cmd) throw new Error(`no CMD for ${service} in the Dockerfile`);
  const [node, ...args] = JSON.parse(cmd.slice('CMD '.length)) as string[];
  expect(node).toBe('node');
  return args;
}

describe('image runtime layout', () => {
  it('when only production dependencies are installed, then no dev tool is in node_modules', () => {
    const probe = spawnSync(process.execPath, ['-e', "require.resolve('typescript')"], { cwd: layout });
    expect(probe.status).not.toBe(0);
  });

  for (const service of services) {
    it(`when ${service} starts as its image does, tracing on, then it becomes ready and exits 0 on SIGTERM`, async () => {
      const port = await freePort();
      // The preload loads the OpenTelemetry SDK from the production dependencies; nothing listens on the endpoint.
      const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' };
      const env = { ...testEnv(service, { ports: { [service]: port } }), NODE_ENV: 'production', ...tracing };
      const command = dockerfileCommand(service);
      const child = spawn(process.execPath, command, { cwd: layout, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      const exit = exited(child);
      try {
        await waitReady(`http://127.0.0.1:${port}/readyz`, 30_000);
      } catch (err) {
        child.kill('SIGKILL');
        throw new Error(`${(err as Error).message}\n${stderr}`);
      }
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }, 60_000);
  }

  it('when the migration job command runs from the image layout, then it exits 0', () => {
    for (const service of ['customer-service', 'inventory-service', 'order-management']) {
      const run = spawnSync(process.execPath, [`services/${service}/dist/data-access/migrate.js`], {
        cwd: layout,
        env: { ...testEnv(service), NODE_ENV: 'production' },
        encoding: 'utf8',
      });
      expect({ service, status: run.status, stderr: run.stderr }).toEqual({ service, status: 0, stderr: '' });
    }
  });
});
