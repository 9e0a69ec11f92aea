import { DataSource, type EntitySchema, type MigrationInterface, type MixedList } from 'typeorm';
import type { Logger } from './logger';
import { parseDatabaseUrl, primaryClient } from './database-hosts';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  entities?: MixedList<EntitySchema>;
  migrations: Array<new () => MigrationInterface>;
  applicationName: string;
}

/**
 * Schema changes only ever come from migrations: synchronize stays off. A URL with several hosts
 * (`postgres://u:p@a:5432,b:5432/db?target_session_attrs=read-write`) connects to whichever of them
 * is the primary (see database-hosts.ts).
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  const address = parseDatabaseUrl(options.url);
  const followPrimary = address.hosts.length > 1 || address.primaryOnly;
  return new DataSource({
    type: 'postgres',
    url: address.url,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, ...(followPrimary ? { Client: primaryClient(address.hosts) } : {}) },
  });
}

/** Migrates and exits; used by `npm run migrate` and by the Helm hook Job. */
export async function migrateAndExit(dataSource: DataSource, logger: Logger): Promise<void> {
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.info({ applied: applied.map((m) => m.name) }, 'migrations done');
    await dataSource.destroy();
    process.exit(0);
  } catch (err) {
    logger.fatal({ err }, 'migration failed');
    process.exit(1);
  }
}

/** Connection loss is normal during a database restart; the pool reconnects on next use. */
export async function isDatabaseUp(dataSource: Pick<DataSource, 'query'>): Promise<boolean> {
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Readiness must not run a query per probe; a background check keeps the answer fresh. One check
 * at a time: while the database stalls, checks would otherwise pile up on the pool, and a check
 * still unanswered when the next is due already says the database is not usable.
 */
export function watchDatabase(dataSource: Pick<DataSource, 'isInitialized' | 'query'>, intervalMs = 2000): { readonly up: boolean; stop(): void } {
  let up = dataSource.isInitialized;
  let checking = false;
  const timer = setInterval(() => {
    if (checking) {
      up = false;
      return;
    }
    checking = true;
    void isDatabaseUp(dataSource)
      .then((value) => (up = value))
      .finally(() => (checking = false));
  }, intervalMs);
  timer.unref();
  return {
    get up() {
      return up;
    },
    stop: () => clearInterval(timer),
  };
}

/** What repositories need from a transaction; TypeORM's EntityManager satisfies it. */
export interface Tx {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export type Transactional = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/** READ COMMITTED is enough: every read that decides a write takes its row locks first. */
export const transactional =
  (dataSource: DataSource): Transactional =>
  (work) =>
    dataSource.transaction((manager) => work(manager));
