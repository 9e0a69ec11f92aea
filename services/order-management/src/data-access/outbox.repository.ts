import { itemTraceparent, traceparentIn, type Tx } from '@shop/platform';
import type { OrderEventRecord, Outbox } from '../domain/order';

export interface OutboxMessage extends OrderEventRecord {
  id: string;
  /** The trace the event continues, when the work that wrote it was traced. */
  traceparent: string | null;
}

type MessageRow = { id: string; message_id: string; routing_key: string; type: string; payload: unknown; traceparent: string | null };

const toMessages = (rows: MessageRow[]): OutboxMessage[] =>
  rows
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((r) => ({ id: r.id, messageId: r.message_id, routingKey: r.routing_key, type: r.type, payload: r.payload, traceparent: r.traceparent }));

export interface OutboxTable extends Outbox {
  /**
   * Claims, for `claimMs`, the oldest messages that no live claim holds. Committed on its own: the
   * claim is what keeps other relays off while this one publishes outside any transaction.
   */
  claim(tx: Tx, limit: number, claimMs: number): Promise<OutboxMessage[]>;
  /**
   * Claims the given messages, those still there and unclaimed. By id, so it does not walk the
   * deleted rows at the head of the table that `claim` must step over until vacuum.
   */
  claimIds(tx: Tx, ids: string[], claimMs: number): Promise<OutboxMessage[]>;
  /** Deletes published messages. */
  remove(tx: Tx, ids: string[]): Promise<void>;
  /** Gives up a claim so that the next pass takes the messages at once. */
  release(tx: Tx, ids: string[]): Promise<void>;
  /** How many messages wait (claimed or not) and how old the oldest is, by the database's clock. */
  backlog(tx: Tx): Promise<OutboxBacklog>;
}

export interface OutboxBacklog {
  messages: number;
  /** 0 when nothing waits. */
  oldestAgeSeconds: number;
}

const CLAIMABLE = `(claimed_until IS NULL OR claimed_until < now())`;
const claimWhere = (where: string) =>
  `UPDATE outbox SET claimed_until = now() + make_interval(secs => $2::double precision / 1000)
   WHERE id IN (SELECT id FROM outbox WHERE ${where} FOR UPDATE SKIP LOCKED)
   RETURNING id, message_id, routing_key, type, payload, traceparent`;

export function createOutbox(): OutboxTable {
  return {
    async append(tx, events) {
      if (events.length === 0) return [];
      // An order's own trace when its batch follows it (the saga), else the writer's (a cancel request).
      const writer = traceparentIn() ?? null;
      const traceparentOf = (e: OrderEventRecord) => {
        const orderId = (e.payload as { orderId?: unknown } | null)?.orderId;
        return (typeof orderId === 'string' ? itemTraceparent(orderId) : undefined) ?? writer;
      };
      const rows: Array<{ id: string }> = await tx.query(
        `INSERT INTO outbox (message_id, routing_key, type, payload, traceparent)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(message_id uuid, routing_key text, type text, payload jsonb, traceparent text)
         RETURNING id`,
        [JSON.stringify(events.map((e) => ({ message_id: e.messageId, routing_key: e.routingKey, type: e.type, payload: e.payload, traceparent: traceparentOf(e) })))],
      );
      return rows.map((r) => String(r.id));
    },

    async claim(tx, limit, claimMs) {
      const [rows]: [MessageRow[]] = await tx.query(claimWhere(`${CLAIMABLE} ORDER BY id LIMIT $1`), [limit, claimMs]);
      return toMessages(rows);
    },

    async claimIds(tx, ids, claimMs) {
      if (ids.length === 0) return [];
      const [rows]: [MessageRow[]] = await tx.query(claimWhere(`id = ANY($1::bigint[]) AND ${CLAIMABLE}`), [ids, claimMs]);
      return toMessages(rows);
    },

    async remove(tx, ids) {
      if (ids.length > 0) await tx.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [ids]);
    },

    async release(tx, ids) {
      if (ids.length > 0) await tx.query(`UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[])`, [ids]);
    },

    async backlog(tx) {
      // Ids grow with time, so the oldest row is the first by the primary key: no scan for min(created_at).
      const [row]: Array<{ messages: number; oldest_age_s: number | null }> = await tx.query(
        `SELECT (SELECT count(*) FROM outbox)::int AS messages,
                extract(epoch FROM now() - (SELECT created_at FROM outbox ORDER BY id LIMIT 1))::float8 AS oldest_age_s`,
      );
      return { messages: row.messages, oldestAgeSeconds: row.messages > 0 ? Math.max(0, row.oldest_age_s ?? 0) : 0 };
    },
  };
}
