import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@shop/test-kit';

// runUntilSignalled in a process of its own, as a service runs it: SIGTERM drains, then exits.
const dist = path.resolve(__dirname, '../dist/index.js');

function runService({ startMs, stopMs, graceMs }: { startMs: number; stopMs: number; graceMs: number }) {
  const script = `
    const { createLogger, runUntilSignalled } = require(${JSON.stringify(dist)});
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    runUntilSignalled(async () => {
      console.log('event=starting');
      await sleep(${startMs});
      console.log('event=started');
      return { stop: async () => { console.log('event=stop-called'); await sleep(${stopMs}); console.log('event=stop-done'); } };
    }, createLogger('lifecycle-test', 'info'), ${graceMs});
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForOutput = (text: string) => waitFor(() => output.includes(text), { timeoutMs: 10_000, intervalMs: 20, what: `"${text}" in the output` });
  return { child, exited, waitFor: waitForOutput, output: () => output };
}

describe('runUntilSignalled', () => {
  it('when SIGTERM arrives, then the service drains (its stop completes) and the process exits 0', async () => {
    const service = runService({ startMs: 0, stopMs: 300, graceMs: 5000 });
    await service.waitFor('event=started');

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(0);
    const out = service.output();
    expect(out.indexOf('"msg":"draining"')).toBeGreaterThan(-1);
    expect(out.indexOf('event=stop-done')).toBeGreaterThan(out.indexOf('event=stop-called'));
    expect(out.indexOf('"msg":"stopped"')).toBeGreaterThan(out.indexOf('event=stop-done'));
  });

  it('when the drain outlasts the grace period, then the process exits 1 saying so', async () => {
    const service = runService({ startMs: 0, stopMs: 10_000, graceMs: 300 });
    await service.waitFor('event=started');

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('grace period over');
    expect(service.output()).not.toContain('event=stop-done');
  });

  it('when SIGTERM arrives while the service is still starting, then it is stopped once started and exits 0', async () => {
    const service = runService({ startMs: 500, stopMs: 0, graceMs: 5000 });
    // The signal handlers are installed before start() runs.
    await service.waitFor('event=starting');

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('event=started');
    expect(service.output()).toContain('event=stop-called');
  });
});
