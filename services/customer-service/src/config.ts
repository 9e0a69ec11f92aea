import Joi from 'joi';
import { brokerUrl, commonEnvSchema, databaseEnvSchema, databaseUrl, loadConfig, type CommonEnv, type DatabaseEnv } from '@shop/platform';

type Env = CommonEnv & DatabaseEnv & { HTTP_PORT: number; RPC_PREFETCH: number };

export interface CustomerServiceConfig {
  env: string;
  logLevel: string;
  httpPort: number;
  brokerUrl: string;
  databaseUrl: string;
  dbPoolSize: number;
  rpcPrefetch: number;
  shutdownGraceMs: number;
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
    env: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    httpPort: raw.HTTP_PORT,
    brokerUrl: brokerUrl(raw),
    databaseUrl: databaseUrl(raw, 'customer-service'),
    dbPoolSize: raw.DB_POOL_SIZE,
    rpcPrefetch: raw.RPC_PREFETCH,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
  };
}
