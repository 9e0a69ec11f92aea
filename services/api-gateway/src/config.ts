import Joi from 'joi';
import { maxCommandsPerMessage } from '@shop/contracts';
import { loadServiceConfig } from '@shop/platform';

interface Own {
  PORT: number;
  JWT_SECRET: string;
  JWT_ISSUER: string;
  PUBLISH_TIMEOUT_MS: number;
  RPC_TIMEOUT_MS: number;
  GATEWAY_WORKERS: number;
  COMMANDS_PER_MESSAGE: number;
  ORDER_RATE_PER_CUSTOMER: number;
  MAX_ORDERS_IN_FLIGHT: number;
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
      COMMANDS_PER_MESSAGE: Joi.number().integer().min(1).max(maxCommandsPerMessage).default(100),
      // Per gateway process; generous, so that only a runaway client meets it.
      ORDER_RATE_PER_CUSTOMER: Joi.number().integer().min(1).max(1_000_000).default(200),
      MAX_ORDERS_IN_FLIGHT: Joi.number().integer().min(1).max(1_000_000).default(20_000),
    },
    (raw: Own) => ({
      port: raw.PORT,
      jwtSecret: raw.JWT_SECRET,
      jwtIssuer: raw.JWT_ISSUER,
      publishTimeoutMs: raw.PUBLISH_TIMEOUT_MS,
      rpcTimeoutMs: raw.RPC_TIMEOUT_MS,
      /** HTTP worker processes sharing the port; more than one only where the gateway is CPU-bound. */
      workers: raw.GATEWAY_WORKERS,
      /** PlaceOrder commands of one event-loop turn that share a message; 1 sends each alone. */
      commandsPerMessage: raw.COMMANDS_PER_MESSAGE,
      orderLimits: { perCustomerPerSecond: raw.ORDER_RATE_PER_CUSTOMER, maxInFlight: raw.MAX_ORDERS_IN_FLIGHT },
    }),
  );

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
