import type { Tx } from '@shop/platform';
import type { OrderEventRecord, Outbox } from '../domain/order';

export interface OutboxMessage extends OrderEventRecord {
  id: string;
}

type MessageRow = { id: string; message_id: string; routing_key: string; type: string; payload: unknown };

const toMessages = (rows: MessageRow[]): OutboxMessage[] =>
  rows
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((r) => ({ id: r.id, messageId: r.message_id, routingKey: r.routing_key, type: r.type, payload: r.payload }));

export interface OutboxTable extends Outbox {
  /** Takes the oldest messages no other relay holds; they are deleted when the transaction commits. */
  take(tx: Tx, limit: number): Promise<OutboxMessage[]>;
  /**
   * Takes the given messages, those still there and not held by another relay. By id, so it does
   * not walk the deleted rows at the head of the table that `take` must step over until vacuum.
   */
  takeIds(tx: Tx, ids: string[]): Promise<OutboxMessage[]>;
}

export function createOutbox(): OutboxTable {
  return {
    async append(tx, events) {
      if (events.length === 0) return [];
      const rows: Array<{ id: string }> = await tx.query(
        `INSERT INTO outbox (message_id, routing_key, type, payload)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(message_id uuid, routing_key text, type text, payload jsonb)
         RETURNING id`,
        [JSON.stringify(events.map((e) => ({ message_id: e.messageId, routing_key: e.routingKey, type: e.type, payload: e.payload })))],
      );
      return rows.map((r) => String(r.id));
    },

    async take(tx, limit) {
      const [rows]: [MessageRow[]] = await tx.query(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, message_id, routing_key, type, payload`,
        [limit],
      );
      return toMessages(rows);
    },

    async takeIds(tx, ids) {
      if (ids.length === 0) return [];
      const [rows]: [MessageRow[]] = await tx.query(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED)
         RETURNING id, message_id, routing_key, type, payload`,
        [ids],
      );
      return toMessages(rows);
    },
  };
}
