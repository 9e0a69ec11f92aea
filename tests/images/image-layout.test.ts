import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, services, testEnv, waitReady } from '@shop/test-kit';

/**
 * Rebuilds each image's runtime layout without Docker (see the Dockerfile header): production
 * dependencies only, the compiled libs and service, started with the image's exact command.
 * A runtime import of a dev dependency, or a file the image does not copy, fails here.
 */
const root = path.resolve(__dirname, '../..');
const libs = ['contracts', 'platform', 'messaging'];
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

describe('image runtime layout', () => {
  it('when only production dependencies are installed, then no dev tool is in node_modules', () => {
    const probe = spawnSync(process.execPath, ['-e', "require.resolve('typescript')"], { cwd: layout });
    expect(probe.status).not.toBe(0);
  });

  for (const service of services) {
    it(`when ${service} starts as its image does, then it becomes ready and exits 0 on SIGTERM`, async () => {
      const port = await freePort();
      const env = { ...testEnv(service, { ports: { [service]: port } }), NODE_ENV: 'production' };
      const child = spawn(process.execPath, [`services/${service}/dist/main.js`], { cwd: layout, env, stdio: ['ignore', 'ignore', 'pipe'] });
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
