import type { LoadOptions } from '../load/run-load';
import type { SpawnedPlatform } from '../target/spawned-platform';
import type { BenchArgs } from './bench-args';

/** What every load phase of a bench shares against one spawned platform. */
export function benchLoadOptions(platform: SpawnedPlatform, args: BenchArgs): Omit<LoadOptions, 'orders'> {
  return {
    gatewayUrl: platform.gatewayUrl,
    ordersDatabaseUrl: platform.ordersDatabaseUrl,
    concurrency: args.concurrency,
    customers: args.customers,
    outOfStockShare: 0.05,
    drainTimeoutSeconds: 300,
    progress: args.progress,
    probes: platform.probes(),
    brokerUrl: platform.brokerUrl,
  };
}
