import { Client } from 'pg';
import { localEnv, type ServiceName, type SpawnProfile } from '../repo';
import { haClusters, haDatabaseUrl } from './ha-topology';

/**
 * Empties what earlier runs left in the test databases: orders, outbox, idempotency keys,
 * reservations (and gives the reserved stock back, so `reserved` still equals the sum of the
 * reservations). Customers and products stay. Each run then starts from the same state, which
 * makes runs comparable: over millions of leftover rows every insert and autovacuum pass costs
 * more, and consecutive runs drift by 10 % or more.
 */
export async function emptyOrderTables(profile: SpawnProfile = 'test'): Promise<void> {
  const primary = profile === 'ha' ? haClusters()[0] : undefined;
  const statements: Array<[service: ServiceName, sql: string]> = [
    ['order-management', 'TRUNCATE orders, outbox, idempotency_keys'],
    ['inventory-service', 'BEGIN; TRUNCATE reservations, reservation_lines; UPDATE products SET reserved = 0 WHERE reserved <> 0; COMMIT'],
  ];
  for (const [service, sql] of statements) {
    const db = service === 'order-management' ? 'orders' : 'inventory';
    const url = primary ? haDatabaseUrl(primary, db) : localEnv.serviceEnv(service, { profile: 'test' }).DATABASE_URL;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
