import { queues } from '@shop/contracts';
import { BrokerConnection, RpcServer } from '@shop/messaging';
import { createMetrics, createOpsApp, startHttpServer, watchDatabase, type Logger } from '@shop/platform';
import type { CustomerServiceConfig } from './config';
import { createCustomerRepository } from './data-access/customer.repository';
import { createCustomerDataSource } from './data-access/data-source';
import { createCustomerUseCases } from './domain/customer.use-cases';
import { customerRpcMethods } from './entry-points/messaging/customer.rpc';

export interface RunningCustomerService {
  port: number;
  stop(): Promise<void>;
}

export async function startCustomerService(config: CustomerServiceConfig, logger: Logger): Promise<RunningCustomerService> {
  const metrics = createMetrics('customer-service');
  const db = await createCustomerDataSource(config.databaseUrl, config.dbPoolSize).initialize();
  const database = watchDatabase(db);
  const broker = new BrokerConnection({ url: config.brokerUrls, name: 'customer-service', logger, settleMs: config.brokerSettleMs });
  const useCases = createCustomerUseCases({ customers: createCustomerRepository(db) });
  const rpc = new RpcServer({
    broker,
    queue: queues.customerRpc,
    queueType: config.queueType,
    logger,
    metrics,
    prefetch: config.rpcPrefetch,
    methods: customerRpcMethods(useCases),
  });
  await rpc.start();
  await broker.start();
  const http = await startHttpServer(createOpsApp(logger, metrics, { ready: () => database.up && rpc.isConsuming }), config.httpPort);

  return {
    port: http.port,
    async stop() {
      await rpc.stop();
      await broker.close();
      database.stop();
      await db.destroy();
      await http.close();
    },
  };
}
