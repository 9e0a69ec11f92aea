import { queues } from '@shop/contracts';
import { BatchConsumer, BrokerConnection, RpcServer } from '@shop/messaging';
import { createMetrics, createOpsApp, startHttpServer, transactional, watchDatabase, type Logger } from '@shop/platform';
import type { InventoryServiceConfig } from './config';
import { createInventoryDataSource } from './data-access/data-source';
import { createProductRepository } from './data-access/product.repository';
import { createReservationRepository } from './data-access/reservation.repository';
import { createProductUseCases } from './domain/product.use-cases';
import { createReleaseStock } from './domain/release-stock.use-case';
import { createReserveStock } from './domain/reserve-stock.use-case';
import { inventoryRpcMethods } from './entry-points/messaging/inventory.rpc';
import { declareOrderCancelledQueue, handleOrderCancelled } from './entry-points/messaging/order-cancelled.consumer';

/** The fault suite's "inventory slower than the caller's timeout": the work commits, the answer is late. */
function slowedDown<I, O>(work: (input: I) => Promise<O>, { ms, every }: { ms: number; every: number }) {
  let calls = 0;
  return async (input: I): Promise<O> => {
    const result = await work(input);
    calls += 1;
    if (ms > 0 && calls % every === 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return result;
  };
}

export interface RunningInventoryService {
  port: number;
  stop(): Promise<void>;
}

export async function startInventoryService(config: InventoryServiceConfig, logger: Logger): Promise<RunningInventoryService> {
  const metrics = createMetrics('inventory-service');
  const db = await createInventoryDataSource(config.databaseUrl, config.dbPoolSize).initialize();
  const database = watchDatabase(db);
  const deps = { transaction: transactional(db), products: createProductRepository(), reservations: createReservationRepository() };
  const reserve = slowedDown(createReserveStock({ ...deps, currency: config.currency }), config.slowReserve);
  const release = createReleaseStock(deps);
  const products = createProductUseCases({ ...deps, db, currency: config.currency });

  const broker = new BrokerConnection({ url: config.brokerUrl, name: 'inventory-service', logger });
  const rpc = new RpcServer({
    broker,
    queue: queues.inventoryRpc,
    logger,
    metrics,
    prefetch: config.rpcPrefetch,
    methods: inventoryRpcMethods({ reserve, release, products }),
  });
  const cancellations = new BatchConsumer({
    broker,
    queue: queues.inventoryOrderCancelled,
    logger,
    metrics,
    prefetch: config.eventsPrefetch,
    batchSize: config.eventsPrefetch,
    maxWaitMs: 20,
    declare: (channel) => declareOrderCancelledQueue(channel, config.queueType),
    handle: handleOrderCancelled(release),
  });
  await rpc.start();
  await cancellations.start();
  await broker.start();
  const ready = () => database.up && rpc.isConsuming && cancellations.isConsuming;
  const http = await startHttpServer(createOpsApp(logger, metrics, { ready }), config.httpPort);

  return {
    port: http.port,
    async stop() {
      await Promise.all([rpc.stop(), cancellations.stop()]);
      await broker.close();
      database.stop();
      await db.destroy();
      await http.close();
    },
  };
}
