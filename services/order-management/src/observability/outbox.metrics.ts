import type { Logger, Metrics } from '@shop/platform';
import type { OutboxBacklog } from '../data-access/outbox.repository';

interface Deps {
  metrics: Metrics;
  /** One cheap query (a count and the first row by id); never run per order. */
  readBacklog: () => Promise<OutboxBacklog>;
  intervalMs: number;
  logger: Logger;
}

/**
 * The outbox's backlog and age as gauges, read every `intervalMs` rather than at each scrape or
 * write. Every replica reads the same table, so dashboards take the max across replicas, not the
 * sum. Between reads the age keeps growing from the last one: a relay that stopped shows an age
 * that rises steadily instead of one that jumps every few seconds.
 */
export function watchOutboxBacklog({ metrics, readBacklog, intervalMs, logger }: Deps) {
  let last: OutboxBacklog = { messages: 0, oldestAgeSeconds: 0 };
  let readAt = Date.now();
  metrics.gauge('outbox_messages', 'Events committed to the outbox and not yet published (the same table for every replica)', (g) => g.set(last.messages));
  metrics.gauge('outbox_oldest_message_age_seconds', 'Age of the oldest event waiting in the outbox; 0 when none waits', (g) =>
    g.set(last.messages > 0 ? last.oldestAgeSeconds + (Date.now() - readAt) / 1000 : 0),
  );

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const read = async () => {
    try {
      last = await readBacklog();
      readAt = Date.now();
    } catch (err) {
      // The database is away: the last figures stand (and the age grows) until it answers again.
      logger.debug({ err: (err as Error).message }, 'could not read the outbox backlog');
    }
    if (!stopped) timer = setTimeout(() => void read(), intervalMs);
  };

  return {
    start: () => void read(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
