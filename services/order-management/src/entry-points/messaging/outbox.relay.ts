import { exchanges } from '@shop/contracts';
import type { ConfirmPublisher } from '@shop/messaging';
import type { Logger, Transactional, Tx } from '@shop/platform';
import type { OutboxMessage } from '../../data-access/outbox.repository';

interface Deps {
  transaction: Transactional;
  outbox: { take(tx: Tx, limit: number): Promise<OutboxMessage[]> };
  publisher: ConfirmPublisher;
  logger: Logger;
  pollMs: number;
  batchSize: number;
  /** Runs after a batch was published and before its rows are deleted (the fault suite crashes here). */
  afterPublish?: () => void;
}

/**
 * Publishes outbox rows with confirms and deletes them in the same transaction. A crash after
 * publishing but before commit publishes them again: events are at least once (same
 * message id), so their consumers must be idempotent. Several replicas share the table through SKIP LOCKED.
 */
export function createOutboxRelay({ transaction, outbox, publisher, logger, pollMs, batchSize, afterPublish }: Deps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const relayOnce = () =>
    transaction(async (tx) => {
      const messages = await outbox.take(tx, batchSize);
      await Promise.all(
        messages.map((m) => publisher.publish(exchanges.events, m.routingKey, m.payload, { messageId: m.messageId, type: m.type })),
      );
      if (messages.length > 0) afterPublish?.();
      return messages.length;
    });

  const tick = async () => {
    timer = undefined;
    if (stopped || running) return;
    let relayed = 0;
    running = publisher.isReady ? relayOnce().catch((err) => (logger.warn({ err: (err as Error).message }, 'outbox relay failed'), 0)) : Promise.resolve(0);
    try {
      relayed = await running;
    } finally {
      running = undefined;
    }
    if (!stopped) timer = setTimeout(() => void tick(), relayed === batchSize ? 0 : pollMs);
  };

  return {
    start: () => void tick(),
    /** Called after a commit that wrote events, so they leave without waiting for the next poll. */
    nudge: () => {
      if (timer && !running) {
        clearTimeout(timer);
        timer = setTimeout(() => void tick(), 0);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
