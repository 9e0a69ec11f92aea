import { exchanges } from '@shop/contracts';
import type { ConfirmPublisher } from '@shop/messaging';
import { context, contextFrom, ROOT_CONTEXT, type Logger, type Transactional, type Tx } from '@shop/platform';
import type { OutboxMessage, OutboxTable } from '../data-access/outbox.repository';

interface Deps {
  transaction: Transactional;
  outbox: Pick<OutboxTable, 'claim' | 'claimIds' | 'remove' | 'release'>;
  publisher: ConfirmPublisher;
  /** How long a claim keeps other relays off; longer than a batch's publish with its confirms. */
  claimMs: number;
  logger: Logger;
  /** How often the whole table is swept for rows no direct relay took. */
  sweepMs: number;
  batchSize: number;
  /** Runs after a batch was published and before its rows are deleted (the fault suite crashes here). */
  afterPublish?: () => void;
}

/**
 * Claims outbox rows (committed), publishes them with confirms, then deletes them: no transaction
 * ever waits for the broker, so a slow broker pins no connection and no row lock. A relay that dies
 * after publishing and before deleting leaves claimed rows that are published again once the claim
 * runs out: events are at least once (same message id), so their consumers must be idempotent.
 * Claims and deletions commit without waiting for the WAL flush: losing one in a database crash
 * only publishes a message again.
 *
 * Rows a commit just wrote are relayed by id right after it (`relayNow`); a periodic sweep takes
 * whatever is left, such as rows whose direct relay failed or whose writer crashed after commit.
 * Several replicas share the table through SKIP LOCKED.
 */
export function createOutboxRelay({ transaction, outbox, publisher, claimMs, logger, sweepMs, batchSize, afterPublish }: Deps) {
  const committed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let stopped = false;

  const quickly = <T>(work: (tx: Tx) => Promise<T>) =>
    transaction(async (tx) => {
      await tx.query('SET LOCAL synchronous_commit = off');
      return work(tx);
    });

  const relay = async (claim: (tx: Tx) => Promise<OutboxMessage[]>): Promise<number> => {
    const messages = await quickly(claim);
    if (messages.length === 0) return 0;
    const ids = messages.map((m) => m.id);
    try {
      await Promise.all(
        messages.map((m) =>
          publisher.publish(exchanges.events, m.routingKey, m.payload, {
            messageId: m.messageId,
            type: m.type,
            // The event continues the trace of the work that wrote it (an untraced row is sent untraced).
            trace: { parent: contextFrom(m.traceparent), attributes: { 'order.id': String((m.payload as { orderId?: unknown }).orderId) } },
          }),
        ),
      );
    } catch (err) {
      await quickly((tx) => outbox.release(tx, ids)).catch(() => undefined);
      throw err;
    }
    afterPublish?.();
    await quickly((tx) => outbox.remove(tx, ids));
    return messages.length;
  };

  /** Relays one batch; resolves true when more work is known to be waiting. */
  const relayOnce = async (): Promise<boolean> => {
    if (committed.size > 0) {
      const ids = [...committed].slice(0, batchSize);
      // Taken off the list before trying: a failed attempt leaves the rows to the sweep.
      ids.forEach((id) => committed.delete(id));
      await relay((tx) => outbox.claimIds(tx, ids, claimMs));
      return committed.size > 0;
    }
    return (await relay((tx) => outbox.claim(tx, batchSize, claimMs))) === batchSize;
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    // Out of whatever trace scheduled it: the relay's passes belong to no single order.
    timer = setTimeout(() => void context.with(ROOT_CONTEXT, tick), ms);
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
