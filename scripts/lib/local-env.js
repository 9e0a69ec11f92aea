// The environment of each service when it runs on this machine (npm start, npm test).
// Development defaults live here and only here; the services themselves have no secret defaults.
const services = ['customer-service', 'inventory-service', 'order-management', 'api-gateway'];
const databases = { 'customer-service': 'customers', 'inventory-service': 'inventory', 'order-management': 'orders' };
const defaultPorts = { 'api-gateway': 3000, 'order-management': 3001, 'customer-service': 3002, 'inventory-service': 3003 };

const devIdentity = require('./dev-identity.js');

const DEV_ORDER_ID_SECRET = 'local-development-order-id-secret-not-for-production';

/**
 * The test profile's broker node and database cluster. PLATFORM_TEST_SLOT=n (1, 2, ...) gives a
 * second test set-up its own node, cluster and ports (+1000 × n), so two test runs on one machine
 * (two checkouts, say) never share a queue.
 */
function testInfrastructure(slot) {
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) throw new Error(`PLATFORM_TEST_SLOT must be 0 to 9, not ${process.env.PLATFORM_TEST_SLOT}`);
  const node = slot === 0 ? 'order-platform-test' : `order-platform-test-${slot}`;
  const offset = slot * 1000;
  return {
    rabbitmq: {
      node,
      port: 5682 + offset,
      managementPort: 15682 + offset,
      prometheusPort: 15702 + offset,
      vhost: 'platform-test',
      // infra.sh gives a node other than the default one its own directory under /var/lib/rabbitmq.
      pidFile: `/var/lib/rabbitmq/${node}/pid`,
    },
    postgres: { cluster: slot === 0 ? 'platform-test' : `platform-test-${slot}`, port: 5442 + offset, databaseSuffix: '_test' },
  };
}

/**
 * Where each profile's broker and database live (scripts/infra.sh starts them). The test profile
 * has a RabbitMQ node and a PostgreSQL cluster of its own, so that tests which stop a broker or
 * restart a database never touch what `npm start` runs.
 */
const infrastructure = {
  dev: {
    rabbitmq: { node: 'rabbit', port: 5672, managementPort: 15672, prometheusPort: 15692, vhost: 'platform' },
    postgres: { cluster: '', port: 5432, databaseSuffix: '' },
  },
  test: testInfrastructure(Number(process.env.PLATFORM_TEST_SLOT ?? 0)),
};

/**
 * The production topology on this machine (npm run ha, scripts/ha/ha.sh): three clustered RabbitMQ
 * nodes and a PostgreSQL primary with a synchronous standby. Its ports collide with neither the dev
 * profile (5672, 5432) nor a test slot (5682 + 1000 × n, 5442 + 1000 × n, 15682/15702 + 1000 × n).
 * PLATFORM_TEST_SLOT=n gives a second HA topology its own node names, clusters and ports (+1000 × n).
 */
function haTopology(slot) {
  const offset = slot * 1000;
  const tag = slot === 0 ? 'ha' : `ha${slot}`;
  return {
    rabbitmq: {
      nodes: [1, 2, 3].map((i) => ({ node: `order-platform-${tag}-${i}`, port: 5709 + i + offset, managementPort: 15709 + i + offset, prometheusPort: 15719 + i + offset })),
      vhost: 'platform-ha',
    },
    // Either cluster can be the primary: a failover swaps them, the services find the primary.
    postgres: { clusters: [{ cluster: `platform-${tag}-a`, port: 5450 + offset }, { cluster: `platform-${tag}-b`, port: 5451 + offset }], databaseSuffix: '' },
    // The services' HTTP ports, beside npm start's 3000-3003 so both can run at once.
    servicePorts: { 'api-gateway': 3100 + offset, 'order-management': 3101 + offset, 'customer-service': 3102 + offset, 'inventory-service': 3103 + offset },
  };
}
const haInfrastructure = haTopology(Number(process.env.PLATFORM_TEST_SLOT ?? 0));

/** The environment scripts/ha/ha.sh reads: the nodes as name:amqp:management:prometheus, the clusters as name:port. */
const haEnv = () => ({
  HA_RABBITMQ_NODES: haInfrastructure.rabbitmq.nodes.map((n) => `${n.node}:${n.port}:${n.managementPort}:${n.prometheusPort}`).join(' '),
  HA_POSTGRES_CLUSTERS: haInfrastructure.postgres.clusters.map((c) => `${c.cluster}:${c.port}`).join(' '),
  VHOST: haInfrastructure.rabbitmq.vhost,
});

/** Every broker node, and a database address that follows the primary (see libs/platform's database.ts). */
const haConnections = (db) => ({
  RABBITMQ_URLS: haInfrastructure.rabbitmq.nodes.map((n) => `amqp://platform:platform-dev@127.0.0.1:${n.port}/${haInfrastructure.rabbitmq.vhost}`).join(','),
  DATABASE_URL: `postgres://${db}:${db}-dev@${haInfrastructure.postgres.clusters.map((c) => `127.0.0.1:${c.port}`).join(',')}/${db}?target_session_attrs=read-write`,
});

/** The environment scripts/infra.sh reads for a profile. */
const infraEnv = (profile) => {
  const { rabbitmq, postgres } = infrastructure[profile];
  return {
    RABBITMQ_NODE: rabbitmq.node,
    AMQP_PORT: String(rabbitmq.port),
    MANAGEMENT_PORT: String(rabbitmq.managementPort),
    PROMETHEUS_PORT: String(rabbitmq.prometheusPort),
    VHOST: rabbitmq.vhost,
    PG_CLUSTER: postgres.cluster,
    PG_PORT: String(postgres.port),
    DB_SUFFIX: postgres.databaseSuffix,
  };
};

/**
 * profile 'dev' is what npm start runs; 'test' uses its own broker node and database cluster; 'ha'
 * the three nodes and the primary/standby pair of npm run ha, with quorum queues.
 */
function serviceEnv(service, { profile = 'dev', ports = defaultPorts, env = process.env, extra = {} } = {}) {
  if (profile === 'ha') {
    const db = databases[service];
    const base = serviceEnv(service, { profile: 'dev', ports, env, extra: { QUEUE_TYPE: env.QUEUE_TYPE ?? 'quorum' } });
    const { RABBITMQ_URL: _single, DATABASE_URL: _database, ...rest } = base;
    const { DATABASE_URL, RABBITMQ_URLS } = haConnections(db);
    return { ...rest, RABBITMQ_URLS, ...(db ? { DATABASE_URL } : {}), ...extra };
  }
  const test = profile === 'test';
  const { rabbitmq, postgres } = infrastructure[profile];
  const common = {
    PATH: env.PATH,
    HOME: env.HOME,
    NODE_ENV: test ? 'test' : 'development',
    LOG_LEVEL: env.LOG_LEVEL ?? (test ? 'warn' : 'info'),
    RABBITMQ_URL: env.RABBITMQ_URL ?? `amqp://platform:platform-dev@127.0.0.1:${rabbitmq.port}/${rabbitmq.vhost}`,
    QUEUE_TYPE: env.QUEUE_TYPE ?? 'classic',
    CURRENCY: env.CURRENCY ?? 'EUR',
    SHUTDOWN_GRACE_MS: env.SHUTDOWN_GRACE_MS ?? '10000',
    // Tracing: the standard OpenTelemetry variables pass through (npm run observe sets the endpoint).
    ...Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('OTEL_'))),
    OTEL_SERVICE_NAME: service,
  };
  const db = databases[service];
  const dbEnv = db
    ? {
        DATABASE_URL:
          env[`${db.toUpperCase()}_DATABASE_URL`] ??
          `postgres://${db}:${db}-dev@127.0.0.1:${postgres.port}/${db}${postgres.databaseSuffix}`,
        HTTP_PORT: String(ports[service]),
      }
    : {
        PORT: String(ports[service]),
        // The dev identity: the gateway verifies ES256 tokens against the machine's dev JWKS file.
        JWT_ISSUER: devIdentity.issuer,
        JWT_AUDIENCE: devIdentity.audience,
        JWT_PUBLIC_KEY_FILE: devIdentity.ensureDevKeys().jwksFile,
        ORDER_ID_SECRET: env.ORDER_ID_SECRET ?? DEV_ORDER_ID_SECRET,
      };
  return { ...common, ...dbEnv, ...extra };
}

module.exports = { services, databases, defaultPorts, infrastructure, haInfrastructure, infraEnv, haEnv, serviceEnv, devIdentity };
