import Joi from 'joi';
import { loadDatabaseServiceConfig } from '@shop/platform';

export const loadCustomerServiceConfig = (env: Record<string, string | undefined>) =>
  loadDatabaseServiceConfig(
    'customer-service',
    env,
    {
      HTTP_PORT: Joi.number().port().default(3002),
      RPC_PREFETCH: Joi.number().integer().min(1).max(1000).default(50),
    },
    (raw: { HTTP_PORT: number; RPC_PREFETCH: number }) => ({ httpPort: raw.HTTP_PORT, rpcPrefetch: raw.RPC_PREFETCH }),
  );

export type CustomerServiceConfig = ReturnType<typeof loadCustomerServiceConfig>;
