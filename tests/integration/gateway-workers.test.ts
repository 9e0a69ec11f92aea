import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, testEnv, waitReady } from '@shop/test-kit';

async function startPrimary() {
  const port = await freePort();
  const primary = spawn(process.execPath, ['dist/main.js'], {
    cwd: path.resolve(__dirname, '../../services/api-gateway'),
    env: { ...testEnv('api-gateway', { ports: { 'api-gateway': port } }), GATEWAY_WORKERS: '2' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  return { port, primary, exited };
}

function workersOf(pid: number | undefined): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when there is no child yet
  }
}

describe('gateway worker processes', () => {
  it('when GATEWAY_WORKERS is 2, then two workers serve one port and SIGTERM drains both with exit 0', async () => {
    const { port, primary, exited } = await startPrimary();

    await waitReady(`http://127.0.0.1:${port}/readyz`);
    const workers = workersOf(primary.pid);
    primary.kill('SIGTERM');

    expect(workers).toHaveLength(2);
    expect(await exited).toBe(0);
  });

  it('when SIGTERM arrives while the workers are still loading, then the primary still exits 0', async () => {
    const { primary, exited } = await startPrimary();

    while (workersOf(primary.pid).length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    primary.kill('SIGTERM');

    expect(await exited).toBe(0);
  });
});
