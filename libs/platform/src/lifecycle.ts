import type { Server } from 'node:http';
import type { Logger } from './logger';
import { stopTracing } from './tracing/sdk';

export interface Service {
  stop(): Promise<void>;
}

/**
 * Runs a service until SIGTERM/SIGINT, then stops it within the grace period and exits 0.
 * Kubernetes (and KEDA scale-down) sends SIGTERM; work in flight must be finished and acked first.
 */
export function runUntilSignalled(start: () => Promise<Service>, logger: Logger, graceMs: number): void {
  let starting: Promise<Service | undefined> = Promise.resolve(undefined);
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'grace period over, exiting with work in flight');
      process.exit(1);
    }, graceMs);
    timer.unref();
    try {
      // A signal during start-up waits for the start to finish, then drains what it started.
      const service = await starting;
      await service?.stop();
      // Last, so that the spans of the drained work are exported too.
      await stopTracing();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'stop failed');
      process.exit(1);
    }
  };

  // The handlers come first: start() runs its first steps synchronously, and a signal that
  // arrives right after them (a quick scale-down) must find the handlers, not Node's default exit.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  starting = start().catch((err) => {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
    return undefined;
  });
}

export function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
