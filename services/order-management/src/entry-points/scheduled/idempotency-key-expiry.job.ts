import type { Logger } from '@shop/platform';

/**
 * Runs the expiry of Idempotency-Keys every `everyMs`, one pass at a time; a failed pass (the
 * database away) is logged and the next one tries again. Every replica runs it: the passes skip
 * each other's rows (SKIP LOCKED).
 */
export function scheduleIdempotencyKeyExpiry({ expire, everyMs, logger }: { expire: () => Promise<number>; everyMs: number; logger: Logger }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    try {
      const deleted = await expire();
      if (deleted > 0) logger.info({ deleted }, 'expired Idempotency-Keys deleted');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'Idempotency-Key expiry failed; trying again later');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule();
      });
    }, everyMs);
    timer.unref();
  };
  return {
    start: schedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
