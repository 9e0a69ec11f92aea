import { localEnv, type SpawnProfile } from '../repo';
import { emptyOrderTables } from './empty-order-tables';
import { seedDemoData } from './seed-demo-data';
import { SpawnedPlatform } from './spawned-platform';

/** What `load --spawn` and `bench` do before their first order: data, then the four services. */
export async function startTestPlatform(options: {
  /** test (default), or ha: npm run ha's nodes and clusters, which must be up and migrated. */
  profile?: SpawnProfile;
  fresh: boolean;
  verbose: boolean;
  serviceNodeOptions?: string;
  /** Each service writes a V8 CPU profile into this directory when it stops. */
  cpuProfileDir?: string;
  say: (line: string) => void;
}): Promise<SpawnedPlatform> {
  const { profile = 'test', fresh, verbose, serviceNodeOptions, cpuProfileDir, say } = options;
  if (fresh) {
    say(`emptying the ${profile} databases' orders and reservations`);
    await emptyOrderTables(profile);
  }
  say(`seeding demo data into the ${profile} databases`);
  seedDemoData(profile);
  say(`starting the services (${profile} profile)`);
  const nodeOptions = serviceNodeOptions ? { NODE_OPTIONS: serviceNodeOptions } : undefined;
  return SpawnedPlatform.start({
    profile,
    echo: verbose,
    nodeArgs: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : undefined,
    env: nodeOptions && Object.fromEntries(localEnv.services.map((s) => [s, nodeOptions])),
  });
}
