import Joi from 'joi';
import { loadDatabaseServiceConfig } from '@shop/platform';

interface Own {
  HTTP_PORT: number;
  RPC_PREFETCH: number;
  EVENTS_PREFETCH: number;
}

export const loadInventoryServiceConfig = (env: Record<string, string | undefined>) =>
  loadDatabaseServiceConfig(
    'inventory-service',
    env,
    {
      HTTP_PORT: Joi.number().port().default(3003),
      RPC_PREFETCH: Joi.number().integer().min(1).max(1000).default(50),
      EVENTS_PREFETCH: Joi.number().integer().min(1).max(5000).default(200),
    },
    (raw: Own) => ({
      httpPort: raw.HTTP_PORT,
      rpcPrefetch: raw.RPC_PREFETCH,
      eventsPrefetch: raw.EVENTS_PREFETCH,
    }),
  );

export type InventoryServiceConfig = ReturnType<typeof loadInventoryServiceConfig>;
