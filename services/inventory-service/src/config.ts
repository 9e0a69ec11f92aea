import Joi from 'joi';
import { loadDatabaseServiceConfig } from '@shop/platform';

interface Own {
  HTTP_PORT: number;
  RPC_PREFETCH: number;
  EVENTS_PREFETCH: number;
  FAULT_SLOW_RESERVE_MS: number;
  FAULT_SLOW_EVERY: number;
}

export const loadInventoryServiceConfig = (env: Record<string, string | undefined>) =>
  loadDatabaseServiceConfig(
    'inventory-service',
    env,
    {
      HTTP_PORT: Joi.number().port().default(3003),
      RPC_PREFETCH: Joi.number().integer().min(1).max(1000).default(50),
      EVENTS_PREFETCH: Joi.number().integer().min(1).max(5000).default(200),
      FAULT_SLOW_RESERVE_MS: Joi.number().integer().min(0).default(0).when('NODE_ENV', { is: 'production', then: Joi.valid(0) }),
      FAULT_SLOW_EVERY: Joi.number().integer().min(1).default(1),
    },
    (raw: Own) => ({
      httpPort: raw.HTTP_PORT,
      rpcPrefetch: raw.RPC_PREFETCH,
      eventsPrefetch: raw.EVENTS_PREFETCH,
      /** Fault suite only: answer every n-th reserve this late (after committing it). */
      slowReserve: { ms: raw.FAULT_SLOW_RESERVE_MS, every: raw.FAULT_SLOW_EVERY },
    }),
  );

export type InventoryServiceConfig = ReturnType<typeof loadInventoryServiceConfig>;
