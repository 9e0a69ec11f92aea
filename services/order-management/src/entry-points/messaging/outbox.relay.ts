import { exchanges } from '@shop/contracts';
import type { ConfirmPublisher } from '@shop/messaging';
import type { Logger, Transactional, Tx } from '@shop/platform';
import type { OutboxMessage } from '../../data-access/outbox.repository';

interface Deps {
  transaction: Transactional;
  outbox: { take(tx: Tx, limit: number): Promise<OutboxMessage[]>; takeIds(tx: Tx, ids: string[]): Promise<OutboxMessage[]> };
  publisher: ConfirmPublisher;
  logger: Logger;
  /** How often the whole table is swept for rows no direct relay took. */
  sweepMs: number;
  batchSize: number;
  /** Runs after a batch was published and before its rows are deleted (the fault suite crashes here). */
  afterPublish?: () => void;
}

/**
 * Publishes outbox rows with confirms and deletes them in the same transaction. A crash after
 * publishing but before commit publishes them again: events are at least once (same message
 * id), so their consumers must be idempotent.
 *
 * Rows a commit just wrote are relayed by id right after it (`relayNow`); a periodic sweep takes
 * whatever is left, such as rows whose direct relay failed or whose writer crashed after commit.
 * Several replicas share the table through SKIP LOCKED.
 */
export function createOutboxRelay({ transaction, outbox, publisher, logger, sweepMs, batchSize, afterPublish }: Deps) {
  const committed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let stopped = false;

  const relay = (take: (tx: Tx) => Promise<OutboxMessage[]>) =>
    transaction(async (tx) => {
      const messages = await take(tx);
      await Promise.all(
        messages.map((m) => publisher.publish(exchanges.events, m.routingKey, m.payload, { messageId: m.messageId, type: m.type })),
      );
      if (messages.length > 0) afterPublish?.();
      return messages.length;
    });

  /** Relays one batch; resolves true when more work is known to be waiting. */
  const relayOnce = async (): Promise<boolean> => {
    if (committed.size > 0) {
      const ids = [...committed].slice(0, batchSize);
      // Taken off the list before trying: a failed attempt leaves the rows to the sweep.
      ids.forEach((id) => committed.delete(id));
      await relay((tx) => outbox.takeIds(tx, ids));
      return committed.size > 0;
    }
    return (await relay((tx) => outbox.take(tx, batchSize))) === batchSize;
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
  };

  const tick = async () => {
    timer = undefined;
    if (stopped || running) return;
    if (!publisher.isReady) {
      // Nothing can be published now; the sweep takes these rows once the broker is back.
      committed.clear();
      if (!stopped) schedule(sweepMs);
      return;
    }
    let more = false;
    running = relayOnce().catch((err) => (logger.warn({ err: (err as Error).message }, 'outbox relay failed'), false));
    try {
      more = await running;
    } finally {
      running = undefined;
    }
    if (!stopped) schedule(more || committed.size > 0 ? 0 : sweepMs);
  };

  return {
    start: () => void tick(),
    /** Called after a commit with the outbox ids it wrote, so they leave without waiting for the sweep. */
    relayNow: (outboxIds: string[]) => {
      if (stopped || outboxIds.length === 0) return;
      outboxIds.forEach((id) => committed.add(id));
      if (!running) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
