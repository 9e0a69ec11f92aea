// Runs the services as child processes and restarts one that dies, as Kubernetes would.
const { spawn } = require('node:child_process');
const path = require('node:path');

const colors = { 'api-gateway': 35, 'order-management': 33, 'customer-service': 32, 'inventory-service': 34 };

class Supervisor {
  constructor({ root, output = process.stdout, restart = true }) {
    this.root = root;
    this.output = output;
    this.restart = restart;
    this.children = new Map();
    this.stopping = false;
  }

  /** name tells replicas of one service apart (e.g. order-management-2); service picks the code. */
  start(name, env, { service = name, nodeArgs = [] } = {}) {
    const entry = { name, service, env, nodeArgs, restarts: 0, crashes: 0, child: undefined };
    this.children.set(name, entry);
    this.spawn(entry);
  }

  spawn(entry) {
    const cwd = path.join(this.root, 'services', entry.service);
    // The preload starts OpenTelemetry before the service's code (it does nothing without OTEL_EXPORTER_OTLP_ENDPOINT).
    const child = spawn(process.execPath, ['--require', '@shop/platform/preload', ...entry.nodeArgs, 'dist/main.js'], { cwd, env: entry.env, stdio: ['ignore', 'pipe', 'pipe'] });
    entry.child = child;
    entry.startedAt = Date.now();
    const prefix = `\u001b[${colors[entry.service] ?? 37}m${entry.name.padEnd(18)}\u001b[0m| `;
    const pipe = (stream) => {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) this.output.write(prefix + line + '\n');
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on('exit', (code, signal) => {
      entry.child = undefined;
      entry.exits = (entry.exits ?? 0) + 1;
      if (this.stopping || entry.stopped || !this.restart) return;
      // Back off like a crash-looping pod, but forgive a service that ran a while.
      if (Date.now() - entry.startedAt > 30_000) entry.restarts = 0;
      const delay = Math.min(10_000, 500 * 2 ** entry.restarts);
      entry.restarts += 1;
      this.output.write(`${prefix}exited (${signal ?? code}); restarting in ${delay} ms\n`);
      entry.timer = setTimeout(() => this.spawn(entry), delay);
    });
  }

  pid(name) {
    return this.children.get(name)?.child?.pid;
  }

  /** How many times the process has exited (crashed or been killed) since it was started. */
  exits(name) {
    return this.children.get(name)?.exits ?? 0;
  }

  /** Stops one process for good (no restart): SIGTERM, then SIGKILL after the grace period. */
  async stopOne(name, graceMs = 15_000) {
    const entry = this.children.get(name);
    if (!entry) return undefined;
    entry.stopped = true;
    clearTimeout(entry.timer);
    const child = entry.child;
    if (!child) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
      child.kill('SIGTERM');
    });
  }

  /** SIGTERM to all, then SIGKILL to what is left after the grace period. */
  async stop(graceMs = 15_000) {
    this.stopping = true;
    const waits = [...this.children.values()].map((entry) => {
      clearTimeout(entry.timer);
      const child = entry.child;
      if (!child) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    });
    await Promise.all(waits);
  }
}

module.exports = { Supervisor };
