import type { Pool as PgPool } from 'pg';

export interface Reconciliation {
  accepted: number;
  /** Accepted (202) ids with no row in the orders database. */
  lost: number;
  /** Rows of this run's customers nobody got a 202 for, plus ids the gateway answered twice. */
  duplicated: number;
  /** Rows that exist but were never decided. */
  stillPending: number;
  /** Rows whose customer is not the one the order was placed for. */
  wrongCustomer: number;
  examples: { lost: string[]; duplicated: string[]; stillPending: string[] };
}

const CHUNK = 10_000;

/**
 * Compares what the client was told with what the database holds. Orders are keyed by the id the
 * gateway assigned, so a second row for one id cannot exist; duplication instead shows up as an
 * order the client was never told about (a retry, a republish under a new id) or as one id
 * answered twice. The run's customers are fresh, so every row of theirs must be an accepted one.
 */
export async function reconcile(
  db: PgPool,
  accepted: Map<string, string>,
  runCustomerIds: string[],
  answeredTwice: number,
): Promise<Reconciliation> {
  const ids = [...accepted.keys()];
  const seen = new Set<string>();
  const examples = { lost: [] as string[], duplicated: [] as string[], stillPending: [] as string[] };
  let stillPending = 0;
  let wrongCustomer = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const { rows } = await db.query<{ id: string; customer_id: string; status: string }>(
      'SELECT id, customer_id, status FROM orders WHERE id = ANY($1::uuid[])',
      [ids.slice(i, i + CHUNK)],
    );
    for (const row of rows) {
      seen.add(row.id);
      if (row.customer_id !== accepted.get(row.id)) wrongCustomer++;
      if (row.status === 'PENDING' && stillPending++ < 10) examples.stillPending.push(row.id);
    }
  }
  for (const id of ids) if (!seen.has(id) && examples.lost.length < 10) examples.lost.push(id);

  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE customer_id = ANY($1::uuid[])', [runCustomerIds]);
  const unexpected = rows[0].n - (seen.size - wrongCustomer);
  if (unexpected > 0) {
    const all = await db.query<{ id: string }>('SELECT id FROM orders WHERE customer_id = ANY($1::uuid[])', [runCustomerIds]);
    examples.duplicated = all.rows.map((r) => r.id).filter((id) => !accepted.has(id)).slice(0, 10);
  }
  return {
    accepted: ids.length,
    lost: ids.length - seen.size,
    duplicated: Math.max(0, unexpected) + answeredTwice,
    stillPending,
    wrongCustomer,
    examples,
  };
}
