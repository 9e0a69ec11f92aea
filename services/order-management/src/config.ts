import Joi from 'joi';
import { loadDatabaseServiceConfig } from '@shop/platform';

interface OwnEnv {
  HTTP_PORT: number;
  PREFETCH: number;
  BATCH_SIZE: number;
  BATCH_MAX_WAIT_MS: number;
  BATCH_MAX_ORDERS: number;
  CONSUMERS: number;
  RPC_TIMEOUT_MS: number;
  PUBLISH_TIMEOUT_MS: number;
  RPC_PREFETCH: number;
  OUTBOX_SWEEP_MS: number;
  OUTBOX_BATCH_SIZE: number;
  MAX_RETRIES: number;
  IDEMPOTENCY_KEY_RETENTION_S: number;
  IDEMPOTENCY_SWEEP_MS: number;
}

export const loadOrderManagementConfig = (env: Record<string, string | undefined>) =>
  loadDatabaseServiceConfig(
    'order-management',
    env,
    {
      HTTP_PORT: Joi.number().port().default(3001),
      // Messages: a PlaceOrders message holds many commands, a PlaceOrder one.
      PREFETCH: Joi.number().integer().min(1).max(5000).default(400),
      BATCH_SIZE: Joi.number().integer().min(1).max(Joi.ref('PREFETCH')).default(200).messages({ 'number.max': '"BATCH_SIZE" must not exceed PREFETCH' }),
      BATCH_MAX_WAIT_MS: Joi.number().integer().min(0).max(10_000).default(50),
      // Orders per pass of the saga; a batch holding more is handled in parts. One pass is one
      // request to inventory, whose contract takes at most 5000 orders.
      BATCH_MAX_ORDERS: Joi.number().integer().min(1).max(5000).default(1000),
      CONSUMERS: Joi.number().integer().min(1).max(32).default(2),
      RPC_TIMEOUT_MS: Joi.number().integer().min(50).max(120_000).default(5000),
      // How long the outbox relay waits for the broker's confirm of an event; not an RPC's answer.
      PUBLISH_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
      RPC_PREFETCH: Joi.number().integer().min(1).max(1000).default(50),
      OUTBOX_SWEEP_MS: Joi.number().integer().min(5).max(60_000).default(1000),
      OUTBOX_BATCH_SIZE: Joi.number().integer().min(1).max(10_000).default(500),
      MAX_RETRIES: Joi.number().integer().min(0).max(100).default(10),
      // An Idempotency-Key is kept this long (24 h, as the IETF draft suggests); a retry after that
      // places a new order. Expired keys are deleted in batches every IDEMPOTENCY_SWEEP_MS.
      IDEMPOTENCY_KEY_RETENTION_S: Joi.number().integer().min(60).max(30 * 86_400).default(86_400),
      IDEMPOTENCY_SWEEP_MS: Joi.number().integer().min(100).max(3_600_000).default(60_000),
    },
    (raw: OwnEnv) => ({
      httpPort: raw.HTTP_PORT,
      prefetch: raw.PREFETCH,
      batchSize: raw.BATCH_SIZE,
      batchMaxWaitMs: raw.BATCH_MAX_WAIT_MS,
      batchMaxOrders: raw.BATCH_MAX_ORDERS,
      consumers: raw.CONSUMERS,
      rpcTimeoutMs: raw.RPC_TIMEOUT_MS,
      publishTimeoutMs: raw.PUBLISH_TIMEOUT_MS,
      rpcPrefetch: raw.RPC_PREFETCH,
      outboxSweepMs: raw.OUTBOX_SWEEP_MS,
      outboxBatchSize: raw.OUTBOX_BATCH_SIZE,
      maxRetries: raw.MAX_RETRIES,
      idempotencyKeyRetentionS: raw.IDEMPOTENCY_KEY_RETENTION_S,
      idempotencySweepMs: raw.IDEMPOTENCY_SWEEP_MS,
    }),
  );

export type OrderManagementConfig = ReturnType<typeof loadOrderManagementConfig>;
