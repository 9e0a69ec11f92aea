import { queues } from '@shop/contracts';
import { BatchConsumer, BrokerConnection, RpcServer } from '@shop/messaging';
import { createMetrics, createOpsApp, noFaults, startHttpServer, transactional, watchDatabase, type FaultHooks, type Logger } from '@shop/platform';
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
export interface RunningInventoryService {
  port: number;
  stop(): Promise<void>;
}

/** `faults`: the fault suite's hooks (a slow reserve, answered after its commit); none by default. */
export async function startInventoryService(config: InventoryServiceConfig, logger: Logger, faults: FaultHooks = noFaults): Promise<RunningInventoryService> {
  const metrics = createMetrics('inventory-service');
  const db = await createInventoryDataSource(config.databaseUrl, config.dbPoolSize).initialize();
  const database = watchDatabase(db);
  const deps = { transaction: transactional(db), products: createProductRepository(), reservations: createReservationRepository() };
  const reserve = faults.slow('reserve', createReserveStock({ ...deps, currency: config.currency }));
  const release = createReleaseStock(deps);
  const products = createProductUseCases({ ...deps, db, currency: config.currency });

  const broker = new BrokerConnection({ url: config.brokerUrls, name: 'inventory-service', logger, settleMs: config.brokerSettleMs });
  const rpc = new RpcServer({
    broker,
    queue: queues.inventoryRpc,
    queueType: config.queueType,
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
