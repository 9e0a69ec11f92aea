// The environment of each service when it runs on this machine (npm start, npm test).
// Development defaults live here and only here; the services themselves have no secret defaults.
const services = ['customer-service', 'inventory-service', 'order-management', 'api-gateway'];
const databases = { 'customer-service': 'customers', 'inventory-service': 'inventory', 'order-management': 'orders' };
const defaultPorts = { 'api-gateway': 3000, 'order-management': 3001, 'customer-service': 3002, 'inventory-service': 3003 };

const DEV_JWT_SECRET = 'local-development-secret-not-for-production';

/** profile 'dev' is what npm start runs; 'test' uses its own vhost and databases. */
function serviceEnv(service, { profile = 'dev', ports = defaultPorts, env = process.env, extra = {} } = {}) {
  const test = profile === 'test';
  const vhost = test ? 'platform-test' : 'platform';
  const common = {
    PATH: env.PATH,
    HOME: env.HOME,
    NODE_ENV: test ? 'test' : 'development',
    LOG_LEVEL: env.LOG_LEVEL ?? (test ? 'warn' : 'info'),
    RABBITMQ_URL: env.RABBITMQ_URL ?? `amqp://platform:platform-dev@127.0.0.1:5672/${vhost}`,
    QUEUE_TYPE: env.QUEUE_TYPE ?? 'classic',
    CURRENCY: env.CURRENCY ?? 'EUR',
    SHUTDOWN_GRACE_MS: env.SHUTDOWN_GRACE_MS ?? '10000',
  };
  const db = databases[service];
  const dbEnv = db
    ? {
        DATABASE_URL:
          env[`${db.toUpperCase()}_DATABASE_URL`] ??
          `postgres://${db}:${db}-dev@127.0.0.1:5432/${db}${test ? '_test' : ''}`,
        HTTP_PORT: String(ports[service]),
      }
    : { PORT: String(ports[service]), JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET };
  return { ...common, ...dbEnv, ...extra };
}

module.exports = { services, databases, defaultPorts, serviceEnv, DEV_JWT_SECRET };
