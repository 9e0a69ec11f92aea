import { localEnv } from '../repo';
import { emptyOrderTables } from './empty-order-tables';
import { seedDemoData } from './seed-demo-data';
import { SpawnedPlatform } from './spawned-platform';

/** What `load --spawn` and `bench` do before their first order: data, then the four services. */
export async function startTestPlatform(options: {
  fresh: boolean;
  verbose: boolean;
  serviceNodeOptions?: string;
  /** Each service writes a V8 CPU profile into this directory when it stops. */
  cpuProfileDir?: string;
  say: (line: string) => void;
}): Promise<SpawnedPlatform> {
  const { fresh, verbose, serviceNodeOptions, cpuProfileDir, say } = options;
  if (fresh) {
    say("emptying the test databases' orders and reservations");
    await emptyOrderTables();
  }
  say('seeding demo data into the test databases');
  seedDemoData('test');
  say('starting the services (test profile)');
  const nodeOptions = serviceNodeOptions ? { NODE_OPTIONS: serviceNodeOptions } : undefined;
  return SpawnedPlatform.start({
    echo: verbose,
    nodeArgs: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : undefined,
    env: nodeOptions && Object.fromEntries(localEnv.services.map((s) => [s, nodeOptions])),
  });
}
