import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../support/ports';
import { testEnv } from '../support/local-env';
import { waitReady } from '../support/platform';

describe('gateway worker processes', () => {
  it('when GATEWAY_WORKERS is 2, then two workers serve one port and SIGTERM drains both with exit 0', async () => {
    const port = await freePort();
    const primary = spawn(process.execPath, ['dist/main.js'], {
      cwd: path.resolve(__dirname, '../../services/api-gateway'),
      env: { ...testEnv('api-gateway', { ports: { 'api-gateway': port } }), GATEWAY_WORKERS: '2' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));

    await waitReady(`http://127.0.0.1:${port}/readyz`);
    const workers = execFileSync('pgrep', ['-P', String(primary.pid)]).toString().trim().split('\n');
    primary.kill('SIGTERM');

    expect(workers).toHaveLength(2);
    expect(await exited).toBe(0);
  });
});
