import Joi from 'joi';
import { maxCommandsPerMessage } from '@shop/contracts';
import { ConfigError, loadServiceConfig } from '@shop/platform';
import { asymmetricAlgorithms } from './domain/tokens';

interface Own {
  PORT: number;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_JWKS_URL?: string;
  JWT_PUBLIC_KEY_FILE?: string;
  JWT_ALGORITHMS: string;
  JWT_CLOCK_TOLERANCE_S: number;
  JWT_JWKS_COOLDOWN_MS: number;
  JWT_JWKS_MAX_AGE_MS: number;
  JWT_ALLOW_HS256?: 'dev';
  JWT_DEV_HS256_SECRET?: string;
  ORDER_ID_SECRET: string;
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
      // No identity defaults in any environment: the local runner hands out the dev identity.
      JWT_ISSUER: Joi.string().min(1).max(500).required(),
      JWT_AUDIENCE: Joi.string().min(1).max(500).required(),
      JWT_JWKS_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
      JWT_PUBLIC_KEY_FILE: Joi.string().min(1),
      // Comma-separated; asymmetric only, so a public key can never be taken for an HMAC secret.
      JWT_ALGORITHMS: Joi.string()
        .pattern(new RegExp(`^(${asymmetricAlgorithms.join('|')})(,(${asymmetricAlgorithms.join('|')}))*$`), 'a comma-separated list of asymmetric algorithms')
        .default('ES256,RS256,EdDSA'),
      JWT_CLOCK_TOLERANCE_S: Joi.number().integer().min(0).max(300).default(30),
      JWT_JWKS_COOLDOWN_MS: Joi.number().integer().min(0).max(600_000).default(30_000),
      JWT_JWKS_MAX_AGE_MS: Joi.number().integer().min(1000).max(86_400_000).default(600_000),
      // Shared-secret tokens: anyone holding the secret mints any identity. Development only.
      JWT_ALLOW_HS256: Joi.string()
        .valid('dev')
        .when('NODE_ENV', { is: 'production', then: Joi.forbidden().messages({ 'any.unknown': '"JWT_ALLOW_HS256" is refused in production' }) }),
      JWT_DEV_HS256_SECRET: Joi.string()
        .min(32)
        .when('JWT_ALLOW_HS256', { is: Joi.exist(), then: Joi.required(), otherwise: Joi.forbidden().messages({ 'any.unknown': '"JWT_DEV_HS256_SECRET" needs JWT_ALLOW_HS256=dev' }) }),
      // Keys the order-id tags (domain/order-ids.ts); the same on every gateway replica.
      ORDER_ID_SECRET: Joi.string().min(32).required(),
      PUBLISH_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
      RPC_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
      GATEWAY_WORKERS: Joi.number().integer().min(1).max(64).default(1),
      COMMANDS_PER_MESSAGE: Joi.number().integer().min(1).max(maxCommandsPerMessage).default(100),
      // Per gateway process; generous, so that only a runaway client meets it. 0 turns it off.
      ORDER_RATE_PER_CUSTOMER: Joi.number().integer().min(0).max(1_000_000).default(200),
      MAX_ORDERS_IN_FLIGHT: Joi.number().integer().min(1).max(1_000_000).default(20_000),
    },
    (raw: Own) => ({
      port: raw.PORT,
      identity: identitySettings(raw),
      orderIdSecret: raw.ORDER_ID_SECRET,
      publishTimeoutMs: raw.PUBLISH_TIMEOUT_MS,
      rpcTimeoutMs: raw.RPC_TIMEOUT_MS,
      /** HTTP worker processes sharing the port; more than one only where the gateway is CPU-bound. */
      workers: raw.GATEWAY_WORKERS,
      /** PlaceOrder commands of one event-loop turn that share a message; 1 sends each alone. */
      commandsPerMessage: raw.COMMANDS_PER_MESSAGE,
      orderLimits: { perCustomerPerSecond: raw.ORDER_RATE_PER_CUSTOMER, maxInFlight: raw.MAX_ORDERS_IN_FLIGHT },
    }),
  );

function identitySettings(raw: Own) {
  const verify = { issuer: raw.JWT_ISSUER, audience: raw.JWT_AUDIENCE, clockToleranceS: raw.JWT_CLOCK_TOLERANCE_S };
  if (raw.JWT_ALLOW_HS256 === 'dev') {
    if (raw.JWT_JWKS_URL || raw.JWT_PUBLIC_KEY_FILE) throw new ConfigError(['JWT_ALLOW_HS256=dev excludes JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE']);
    return { ...verify, keys: { kind: 'dev-hs256' as const, secret: raw.JWT_DEV_HS256_SECRET! } };
  }
  const algorithms = [...new Set(raw.JWT_ALGORITHMS.split(','))];
  if (raw.JWT_JWKS_URL && raw.JWT_PUBLIC_KEY_FILE) throw new ConfigError(['set one of JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE, not both']);
  if (raw.JWT_JWKS_URL) {
    return { ...verify, keys: { kind: 'jwks-url' as const, url: raw.JWT_JWKS_URL, algorithms, cooldownMs: raw.JWT_JWKS_COOLDOWN_MS, maxAgeMs: raw.JWT_JWKS_MAX_AGE_MS } };
  }
  if (raw.JWT_PUBLIC_KEY_FILE) return { ...verify, keys: { kind: 'key-file' as const, file: raw.JWT_PUBLIC_KEY_FILE, algorithms } };
  throw new ConfigError(['"JWT_JWKS_URL" or "JWT_PUBLIC_KEY_FILE" is required: the keys that verify tokens']);
}

export type IdentitySettings = ReturnType<typeof identitySettings>;
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
