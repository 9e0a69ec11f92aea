import { createDataSource, parseDatabaseUrl } from '@shop/platform';
import { freePort, testEnv } from '@shop/test-kit';

describe('a database URL with several hosts', () => {
  it('when it lists hosts and target_session_attrs, then each host is read and the URL left for pg has the first', () => {
    const address = parseDatabaseUrl('postgres://orders:pw@db-a:5450,db-b:5451,db-c/orders?target_session_attrs=read-write&sslmode=disable');

    expect(address.hosts).toEqual([
      { host: 'db-a', port: 5450 },
      { host: 'db-b', port: 5451 },
      { host: 'db-c', port: 5432 },
    ]);
    expect(address.primaryOnly).toBe(true);
    expect(address.url).toBe('postgres://orders:pw@db-a:5450/orders?sslmode=disable');
  });

  it('when it names one host, then it is left as it is', () => {
    expect(parseDatabaseUrl('postgres://u:p@localhost:5432/db')).toEqual({ url: 'postgres://u:p@localhost:5432/db', hosts: [{ host: 'localhost', port: 5432 }], primaryOnly: false });
  });

  it('when the first host is down, then the connections go to the one that is the primary', async () => {
    const real = new URL(testEnv('order-management').DATABASE_URL);
    const dead = await freePort();
    const url = `postgres://${real.username}:${real.password}@127.0.0.1:${dead},127.0.0.1:${real.port}${real.pathname}?target_session_attrs=read-write`;
    const db = createDataSource({ url, poolSize: 2, migrations: [], applicationName: 'database-hosts-test' });
    await db.initialize();
    try {
      const rows = await db.query('SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby');

      expect(rows).toEqual([{ port: Number(real.port), standby: false }]);
    } finally {
      await db.destroy();
    }
  });
});
