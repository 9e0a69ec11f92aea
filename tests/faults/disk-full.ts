import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statfsSync } from 'node:fs';
import { testEnv, testInfrastructure } from '@shop/test-kit';
import { sleep } from './support/actions';
import type { FaultCase, Size } from './scenarios';

const TABLESPACE = 'fault_disk_full';
/** The orders table's own small disk, one per test slot. */
const mountPoint = `/tmp/order-platform-${testInfrastructure.postgres.cluster}-disk-full`;
const ordersDatabase = () => new URL(testEnv('order-management').DATABASE_URL).pathname.slice(1);

/** SQL as the cluster's superuser (a tablespace needs one); throws with psql's message when it fails. */
function psql(sql: string): string {
  return execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-p', String(testInfrastructure.postgres.port), '-d', ordersDatabase(), '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const freeBytes = () => {
  const s = statfsSync(mountPoint);
  return s.bavail * s.bsize;
};

/** Undoes what setUpSmallDisk set up, whatever part of it exists (an earlier run may have stopped halfway). */
export function restore(): void {
  rmSync(`${mountPoint}/filler`, { force: true });
  psql('DROP TABLE IF EXISTS fault_disk_probe');
  psql('ALTER TABLE orders SET TABLESPACE pg_default');
  psql(`DROP TABLESPACE IF EXISTS ${TABLESPACE}`);
  if (spawnSync('mountpoint', ['-q', mountPoint]).status === 0) execFileSync('umount', [mountPoint]);
}

/** The `orders` table on a tmpfs of its own, 32 MiB larger than the table. */
export function setUpSmallDisk(): void {
  restore();
  const tableBytes = Number(psql("SELECT pg_total_relation_size('orders')"));
  execFileSync('mkdir', ['-p', mountPoint]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${tableBytes + 32 * 2 ** 20}`, 'tmpfs', mountPoint]);
  execFileSync('chown', ['postgres:postgres', mountPoint]);
  psql(`CREATE TABLESPACE ${TABLESPACE} LOCATION '${mountPoint}'`);
  psql(`CREATE TABLE fault_disk_probe (payload text) TABLESPACE ${TABLESPACE}`);
  psql(`ALTER TABLE orders SET TABLESPACE ${TABLESPACE}`);
}

const filler = `${mountPoint}/filler`;

/** Fills the small disk but for 64 KiB; resolves to the database's error when a probe insert no longer fits (or '' when it did). */
export function fillDisk(): string {
  execFileSync('fallocate', ['-l', String(freeBytes() - 64 * 1024), filler]);
  try {
    // Proof that the disk is full for the database, not just for df: 480 KiB of random rows
    // (under the TOAST threshold, so stored as they are) must not fit in the 64 KiB left.
    psql("INSERT INTO fault_disk_probe SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 15000) g GROUP BY g % 500");
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

export const freeDisk = (): void => rmSync(filler, { force: true });

/** Transactions rolled back in the orders database so far. */
export const rollbacks = (): number => Number(psql('SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()'));

/**
 * The orders database runs out of disk while orders arrive: the `orders` table is moved to a
 * tablespace on a tmpfs of its own, which a file then fills but for 64 KiB, for `holdMs`. Order-
 * management's transactions fail with SQLSTATE 53100 (a transient failure: the batch is retried,
 * not dead-lettered), the gateway keeps accepting (commands wait in the queue), and every order
 * is decided once the file is gone. WAL stays on the cluster's own disk, as in production, where a
 * full WAL volume would stop the server instead.
 */
export function diskFull(size: Size, holdMs = 5000): FaultCase {
  let probeFailedWith = '';
  let rollbacksWhileFull = 0;
  return {
    id: 'orders database disk full',
    scenario: {
      name: `orders database out of disk space for ${holdMs / 1000} s (tmpfs tablespace)`,
      ...size,
      prepare: async () => setUpSmallDisk(),
      fault: async ({ faultEnded }) => {
        const before = rollbacks();
        probeFailedWith = fillDisk();
        await sleep(holdMs);
        // The statistics collector reports with a delay of up to a second.
        await sleep(1000);
        rollbacksWhileFull = rollbacks() - before;
        freeDisk();
        faultEnded();
      },
      cleanup: async () => restore(),
    },
    verify: (r) => {
      expect(probeFailedWith).toMatch(/No space left on device/);
      // order-management's transactions failed while the disk was full (and were retried).
      expect(rollbacksWhileFull).toBeGreaterThan(0);
      expect(r.restarts).toBe(0);
    },
  };
}
