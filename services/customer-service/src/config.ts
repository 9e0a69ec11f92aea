import Joi from 'joi';
import {
  commonEnvSchema,
  commonSettings,
  databaseEnvSchema,
  databaseSettings,
  loadConfig,
  type CommonEnv,
  type CommonSettings,
  type DatabaseEnv,
  type DatabaseSettings,
} from '@shop/platform';

type Env = CommonEnv & DatabaseEnv & { HTTP_PORT: number; RPC_PREFETCH: number };

export interface CustomerServiceConfig extends CommonSettings, DatabaseSettings {
  httpPort: number;
  rpcPrefetch: number;
}

export function loadCustomerServiceConfig(env: Record<string, string | undefined>): CustomerServiceConfig {
  const raw = loadConfig<Env>(
    Joi.object({
      ...commonEnvSchema,
      ...databaseEnvSchema,
      HTTP_PORT: Joi.number().port().default(3002),
      RPC_PREFETCH: Joi.number().integer().min(1).max(1000).default(50),
    }),
    env,
  );
  return {
    ...commonSettings(raw),
    ...databaseSettings(raw, 'customer-service'),
    httpPort: raw.HTTP_PORT,
    rpcPrefetch: raw.RPC_PREFETCH,
  };
}
