/** The load tool as a library: what the CLIs and tools/load/test use. */
export { runLoad, type LoadOptions, type LoadResult } from './load/run-load';
export { formatLoadSummary, isClean } from './report/load-summary';
export { measureBroker, type BrokerBaseline } from './bench/broker-baseline';
export { measureDatabase, type DatabaseBaseline } from './bench/database-baseline';
export { readProfile, summarizeProfile, formatProfile, type ProfileSummary } from './profile/cpu-profile';
export { SpawnedPlatform } from './target/spawned-platform';
export { runningPlatform } from './target/running-platform';
export { seedDemoData } from './target/seed-demo-data';
export type { Target } from './target/target';
