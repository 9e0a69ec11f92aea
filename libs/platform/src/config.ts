import Joi from 'joi';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Validates the environment against a joi schema and reports every bad key at once. */
export function loadConfig<T>(schema: Joi.ObjectSchema, env: Env): T {
  const { value, error } = schema.validate(env, { abortEarly: false, allowUnknown: true, stripUnknown: true, convert: true });
  if (error) throw new ConfigError(error.details.map((d) => d.message));
  return value as T;
}

const isProduction = (env: Env): boolean => env.NODE_ENV === 'production';

/** A secret that has a default only outside production. */
export const secretWithDevDefault = (env: Env, devDefault: string): Joi.StringSchema =>
  isProduction(env) ? Joi.string().min(16).required() : Joi.string().min(16).default(devDefault);

export const commonEnvSchema = {
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  QUEUE_TYPE: Joi.string().valid('classic', 'quorum').default('classic'),
  SHUTDOWN_GRACE_MS: Joi.number().integer().min(100).max(600_000).default(20_000),
  CURRENCY: Joi.string().uppercase().length(3).default('EUR'),
  RABBITMQ_URL: Joi.string().uri({ scheme: ['amqp', 'amqps'] }),
  // Every node of a cluster, comma-separated: a lost connection reconnects to the next one.
  RABBITMQ_URLS: Joi.string().pattern(/^amqps?:\/\/[^,\s]+(,amqps?:\/\/[^,\s]+)*$/, 'comma-separated amqp:// URLs'),
  RABBITMQ_HOST: Joi.string().hostname(),
  RABBITMQ_PORT: Joi.number().port().default(5672),
  RABBITMQ_USER: Joi.string(),
  RABBITMQ_PASSWORD: Joi.string(),
  RABBITMQ_VHOST: Joi.string().default('/'),
  RABBITMQ_HEARTBEAT_S: Joi.number().integer().min(1).max(600).default(10),
  // After losing the broker, wait this long before connecting again (default: 1000 with quorum
  // queues, 0 with classic ones; see BrokerOptions.settleMs).
  RABBITMQ_RECONNECT_SETTLE_MS: Joi.number().integer().min(0).max(60_000),
};

export const databaseEnvSchema = {
  // libpq's multi-host form is accepted: postgres://u:p@a:5432,b:5432/db?target_session_attrs=read-write
  DATABASE_URL: Joi.alternatives().try(
    Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
    Joi.string().pattern(/^postgres(ql)?:\/\/([^@/\s]*@)?[^/,\s]+(,[^/,\s]+)+\/[^\s]*$/, 'multi-host postgres URL'),
  ),
  DB_HOST: Joi.string().hostname(),
  DB_PORT: Joi.number().port().default(5432),
  DB_NAME: Joi.string(),
  DB_USER: Joi.string(),
  DB_PASSWORD: Joi.string(),
  DB_POOL_SIZE: Joi.number().integer().min(1).max(100).default(10),
};

export interface CommonEnv extends BrokerEnv {
  NODE_ENV: 'development' | 'test' | 'production';
  LOG_LEVEL: string;
  QUEUE_TYPE: 'classic' | 'quorum';
  SHUTDOWN_GRACE_MS: number;
  CURRENCY: string;
}

export interface BrokerEnv {
  RABBITMQ_URL?: string;
  RABBITMQ_URLS?: string;
  RABBITMQ_HOST?: string;
  RABBITMQ_PORT: number;
  RABBITMQ_USER?: string;
  RABBITMQ_PASSWORD?: string;
  RABBITMQ_VHOST: string;
  RABBITMQ_HEARTBEAT_S: number;
  RABBITMQ_RECONNECT_SETTLE_MS?: number;
}

const withHeartbeat = (url: URL, env: BrokerEnv): string => {
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(env.RABBITMQ_HEARTBEAT_S));
  return url.toString();
};

/**
 * Every broker node to try, in order: RABBITMQ_URLS (a cluster's nodes), else the one of
 * RABBITMQ_URL or RABBITMQ_HOST (a Kubernetes Service that already spreads over the nodes).
 */
export function brokerUrls(env: BrokerEnv): string[] {
  if (env.RABBITMQ_URLS) return env.RABBITMQ_URLS.split(',').map((url) => withHeartbeat(new URL(url), env));
  return [brokerUrl(env)];
}

/** The cluster hands out host, user and password separately; locally one URL is easier. */
export function brokerUrl(env: BrokerEnv): string {
  const base = env.RABBITMQ_URL
    ? new URL(env.RABBITMQ_URL)
    : new URL(
        `amqp://${encodeURIComponent(env.RABBITMQ_USER ?? 'guest')}:${encodeURIComponent(env.RABBITMQ_PASSWORD ?? 'guest')}` +
          `@${env.RABBITMQ_HOST ?? '127.0.0.1'}:${env.RABBITMQ_PORT}/${encodeURIComponent(env.RABBITMQ_VHOST)}`,
      );
  return withHeartbeat(base, env);
}

export interface DatabaseEnv {
  DB_POOL_SIZE: number;
  DATABASE_URL?: string;
  DB_HOST?: string;
  DB_PORT: number;
  DB_NAME?: string;
  DB_USER?: string;
  DB_PASSWORD?: string;
}

export function databaseUrl(env: DatabaseEnv, service: string): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (!env.DB_HOST || !env.DB_NAME || !env.DB_USER) {
    throw new ConfigError([`${service}: set DATABASE_URL, or DB_HOST, DB_NAME, DB_USER and DB_PASSWORD`]);
  }
  const auth = `${encodeURIComponent(env.DB_USER)}:${encodeURIComponent(env.DB_PASSWORD ?? '')}`;
  return `postgres://${auth}@${env.DB_HOST}:${env.DB_PORT}/${encodeURIComponent(env.DB_NAME)}`;
}

/** Entry points load config through this: a bad environment prints every problem, no stack trace. */
export function configOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
}

/** What every service takes from the common keys. */
export const commonSettings = (raw: CommonEnv) => ({
  env: raw.NODE_ENV,
  logLevel: raw.LOG_LEVEL,
  brokerUrls: brokerUrls(raw),
  /** Quorum queues elect a new leader when a node goes: a second before reconnecting covers it (measured ~0.25 s). */
  brokerSettleMs: raw.RABBITMQ_RECONNECT_SETTLE_MS ?? (raw.QUEUE_TYPE === 'quorum' ? 1000 : 0),
  queueType: raw.QUEUE_TYPE,
  currency: raw.CURRENCY,
  shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
});

export const databaseSettings = (raw: DatabaseEnv, service: string) => ({
  databaseUrl: databaseUrl(raw, service),
  dbPoolSize: raw.DB_POOL_SIZE,
});

export type CommonSettings = ReturnType<typeof commonSettings>;
export type DatabaseSettings = ReturnType<typeof databaseSettings>;

type RawEnv = Record<string, string | undefined>;

/**
 * A service's config in one call: the common keys, the service's own keys (`schema`), and how
 * its own keys map to settings. Every bad key, common or own, is reported at once.
 */
export function loadServiceConfig<Own, Settings>(env: RawEnv, schema: Joi.PartialSchemaMap, settings: (raw: CommonEnv & Own) => Settings) {
  const raw = loadConfig<CommonEnv & Own>(Joi.object({ ...commonEnvSchema, ...schema }), env);
  return { ...commonSettings(raw), ...settings(raw) };
}

/** The same for a service that owns a database. */
export function loadDatabaseServiceConfig<Own, Settings>(
  service: string,
  env: RawEnv,
  schema: Joi.PartialSchemaMap,
  settings: (raw: CommonEnv & DatabaseEnv & Own) => Settings,
) {
  const raw = loadConfig<CommonEnv & DatabaseEnv & Own>(Joi.object({ ...commonEnvSchema, ...databaseEnvSchema, ...schema }), env);
  return { ...commonSettings(raw), ...databaseSettings(raw, service), ...settings(raw) };
}
