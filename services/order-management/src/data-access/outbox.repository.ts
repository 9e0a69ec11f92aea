import type { Tx } from '@shop/platform';
import type { OrderEventRecord, Outbox } from '../domain/order';

export interface OutboxMessage extends OrderEventRecord {
  id: string;
}

export function createOutbox(): Outbox & {
  /** Takes the oldest messages no other relay holds; they are deleted when the transaction commits. */
  take(tx: Tx, limit: number): Promise<OutboxMessage[]>;
} {
  return {
    async append(tx, events) {
      if (events.length === 0) return;
      await tx.query(
        `INSERT INTO outbox (message_id, routing_key, type, payload)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(message_id uuid, routing_key text, type text, payload jsonb)`,
        [JSON.stringify(events.map((e) => ({ message_id: e.messageId, routing_key: e.routingKey, type: e.type, payload: e.payload })))],
      );
    },

    async take(tx, limit) {
      const [rows]: [Array<{ id: string; message_id: string; routing_key: string; type: string; payload: unknown }>] = await tx.query(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, message_id, routing_key, type, payload`,
        [limit],
      );
      return rows
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((r) => ({ id: r.id, messageId: r.message_id, routingKey: r.routing_key, type: r.type, payload: r.payload }));
    },
  };
}
