import cluster from 'node:cluster';
import type { Logger } from './logger';

/**
 * Runs `count` copies of a process sharing one listening port (node:cluster), for an HTTP edge
 * that is CPU-bound in one process. The primary restarts a worker that dies and, on SIGTERM or
 * SIGINT, passes the signal on and exits once every worker has drained.
 */
export function runWorkers(count: number, runWorker: () => void, logger: Logger): void {
  if (count <= 1 || !cluster.isPrimary) return runWorker();

  let stopping = false;
  const fork = () => cluster.fork().on('exit', (code, signal) => {
    if (stopping) return;
    logger.warn({ code, signal }, 'worker died, starting another');
    setTimeout(() => stopping || fork(), 500);
  });
  for (let i = 0; i < count; i += 1) fork();

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    let failed = false;
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      // A worker killed by the very signal passed on had not yet installed its handlers (it was
      // still loading), so it had accepted nothing and its death loses nothing.
      worker?.once('exit', (code, killedBy) => {
        failed ||= code !== 0 && killedBy !== signal;
        left -= 1;
        if (left === 0) process.exit(failed ? 1 : 0);
      });
      worker?.process.kill(signal);
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
