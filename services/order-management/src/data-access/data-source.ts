import { createDataSource } from '@shop/platform';
import { CreateOrders1764100000000 } from './migrations/1764100000000-create-orders';
import { DropPendingIndex1764200000000 } from './migrations/1764200000000-drop-pending-index';
import { DecideInPlace1764300000000 } from './migrations/1764300000000-decide-in-place';
import { OutboxClaims1764400000000 } from './migrations/1764400000000-outbox-claims';
import { OutboxTraceparent1764500000000 } from './migrations/1764500000000-outbox-traceparent';
import { IdempotencyKeyExpiry1764600000000 } from './migrations/1764600000000-idempotency-key-expiry';

export const createOrdersDataSource = (url: string, poolSize: number) =>
  createDataSource({
    url,
    poolSize,
    applicationName: 'order-management',
    migrations: [CreateOrders1764100000000, DropPendingIndex1764200000000, DecideInPlace1764300000000, OutboxClaims1764400000000, OutboxTraceparent1764500000000, IdempotencyKeyExpiry1764600000000],
  });
