import Joi from 'joi';
import { loadServiceConfig } from '@shop/platform';

interface Own {
  PORT: number;
  JWT_SECRET: string;
  JWT_ISSUER: string;
  PUBLISH_TIMEOUT_MS: number;
  RPC_TIMEOUT_MS: number;
  GATEWAY_WORKERS: number;
}

export const loadGatewayConfig = (env: Record<string, string | undefined>) =>
  loadServiceConfig(
    env,
    {
      PORT: Joi.number().port().default(3000),
      // No default in any environment: the local runner hands out the development secret.
      JWT_SECRET: Joi.string().min(32).required(),
      JWT_ISSUER: Joi.string().min(1).max(200).default('order-platform'),
      PUBLISH_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
      RPC_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
      GATEWAY_WORKERS: Joi.number().integer().min(1).max(64).default(1),
    },
    (raw: Own) => ({
      port: raw.PORT,
      jwtSecret: raw.JWT_SECRET,
      jwtIssuer: raw.JWT_ISSUER,
      publishTimeoutMs: raw.PUBLISH_TIMEOUT_MS,
      rpcTimeoutMs: raw.RPC_TIMEOUT_MS,
      /** HTTP worker processes sharing the port; more than one only where the gateway is CPU-bound. */
      workers: raw.GATEWAY_WORKERS,
    }),
  );

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
