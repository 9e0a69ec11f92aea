import { declareExchanges, declarePlaceOrderTopology, queues } from '@shop/contracts';
import { BatchConsumer, BrokerConnection, ConfirmPublisher, RpcClient, RpcServer } from '@shop/messaging';
import { createMetrics, createOpsApp, noFaults, startHttpServer, transactional, watchDatabase, type FaultHooks, type Logger } from '@shop/platform';
import { createServiceClients } from './outbound/service.clients';
import type { OrderManagementConfig } from './config';
import { createOrdersDataSource } from './data-access/data-source';
import { createOrderRepository } from './data-access/order.repository';
import { createOutbox } from './data-access/outbox.repository';
import { createCancelOrder, createCancelUnrecordedOrder } from './domain/cancel-order.use-case';
import { createClaimIdempotencyKey, createExpireIdempotencyKeys } from './domain/claim-idempotency-key.use-case';
import { scheduleIdempotencyKeyExpiry } from './entry-points/scheduled/idempotency-key-expiry.job';
import { createOrderQueries } from './domain/order-queries.use-cases';
import { createPlaceOrders } from './domain/place-orders.use-case';
import { createRejectInvalidOrder } from './domain/reject-invalid-order.use-case';
import { createOrderMetrics } from './observability/order.metrics';
import { watchOutboxBacklog } from './observability/outbox.metrics';
import { orderRpcMethods } from './entry-points/messaging/order.rpc';
import { createOutboxRelay } from './outbound/outbox.relay';
import { handlePlaceOrders } from './entry-points/messaging/place-order.consumer';
import { tracedSagaSteps } from './observability/order.tracing';

export interface RunningOrderManagement {
  port: number;
  stop(): Promise<void>;
}

/** The steps at which the fault suite may crash order-management (FAULT_POINT). */
export const crashPoints = ['before-commit', 'after-commit-before-ack', 'while-publishing-events'] as const;

/** How often the outbox's backlog is read for its gauges: a dashboard's resolution, not a request's. */
const OUTBOX_BACKLOG_READ_MS = 5000;

/** `faults`: the fault suite's crash points at `crashPoints`; none by default. */
export async function startOrderManagement(config: OrderManagementConfig, logger: Logger, faults: FaultHooks = noFaults): Promise<RunningOrderManagement> {
  const metrics = createMetrics('order-management');
  const orderMetrics = createOrderMetrics(metrics);
  const db = await createOrdersDataSource(config.databaseUrl, config.dbPoolSize).initialize();
  const database = watchDatabase(db);
  const transaction = transactional(db);
  const orders = createOrderRepository();
  const outbox = createOutbox();

  const broker = new BrokerConnection({ url: config.brokerUrls, name: 'order-management', logger, settleMs: config.brokerSettleMs });
  const rpcClient = new RpcClient(broker, logger, config.rpcTimeoutMs, metrics);
  const publisher = new ConfirmPublisher(broker, logger, config.publishTimeoutMs, declareExchanges);
  const relay = createOutboxRelay({
    transaction,
    outbox,
    publisher,
    // Each publish waits at most publishTimeoutMs for its confirm; twice that covers a whole batch.
    claimMs: 2 * config.publishTimeoutMs,
    logger,
    sweepMs: config.outboxSweepMs,
    batchSize: config.outboxBatchSize,
    afterPublish: () => faults.hit('while-publishing-events'),
  });

  const outboxBacklog = watchOutboxBacklog({ metrics, readBacklog: () => outbox.backlog(db), intervalMs: OUTBOX_BACKLOG_READ_MS, logger });

  const services = createServiceClients(rpcClient);
  const onDecided = (decided: Parameters<typeof orderMetrics.decided>[0], outboxIds: string[]) => {
    orderMetrics.decided(decided);
    relay.relayNow(outboxIds);
  };
  const placeOrders = createPlaceOrders({
    transaction,
    orders,
    outbox,
    ...services,
    currency: config.currency,
    onDecided,
    beforeCommit: () => faults.hit('before-commit'),
    steps: tracedSagaSteps,
  });
  const rejectInvalid = createRejectInvalidOrder({ transaction, orders, outbox, inventory: services.inventory, onDecided });
  const onCancelled = (o: Parameters<typeof orderMetrics.decided>[0][number], outboxIds: string[]) => (orderMetrics.decided([o]), relay.relayNow(outboxIds));
  const cancel = createCancelOrder({ transaction, orders, outbox, onCancelled });
  const cancelUnrecorded = createCancelUnrecordedOrder({ transaction, orders, outbox, currency: config.currency, cancel, onCancelled });
  const rpcServer = new RpcServer({
    broker,
    queue: queues.orderRpc,
    queueType: config.queueType,
    logger,
    metrics,
    prefetch: config.rpcPrefetch,
    methods: orderRpcMethods(createOrderQueries({ db, orders }), cancel, cancelUnrecorded, createClaimIdempotencyKey({ db, orders, retentionS: config.idempotencyKeyRetentionS })),
  });
  const handle = handlePlaceOrders({
    placeOrders: async (commands) => {
      orderMetrics.batchSize.observe(commands.length);
      await placeOrders(commands);
      faults.hit('after-commit-before-ack');
    },
    rejectInvalid,
    ordersPerCall: config.batchMaxOrders,
    logger,
    onPermanentFailure: orderMetrics.failedPermanently,
  });
  // Each consumer has its own channel and one batch in flight; several overlap broker and database waits.
  const consumers = Array.from({ length: config.consumers }, () =>
    new BatchConsumer({
      broker,
      queue: queues.placeOrder,
      logger,
      metrics,
      prefetch: config.prefetch,
      batchSize: config.batchSize,
      maxWaitMs: config.batchMaxWaitMs,
      maxRetries: config.maxRetries,
      declare: (channel) => declarePlaceOrderTopology(channel, config.queueType),
      handle,
    }),
  );

  await rpcClient.start();
  await publisher.start();
  await rpcServer.start();
  for (const consumer of consumers) await consumer.start();
  await broker.start();
  relay.start();
  outboxBacklog.start();
  const keyExpiry = scheduleIdempotencyKeyExpiry({
    expire: createExpireIdempotencyKeys({ db, orders, retentionS: config.idempotencyKeyRetentionS }),
    everyMs: config.idempotencySweepMs,
    logger,
  });
  keyExpiry.start();

  let draining = false;
  const ready = () => !draining && database.up && rpcClient.isReady && rpcServer.isConsuming && consumers.every((c) => c.isConsuming);
  const http = await startHttpServer(createOpsApp(logger, metrics, { ready }), config.httpPort);

  return {
    port: http.port,
    async stop() {
      draining = true;
      await Promise.all([...consumers.map((c) => c.stop()), rpcServer.stop()]);
      await relay.stop();
      await keyExpiry.stop();
      outboxBacklog.stop();
      await Promise.all([rpcClient.close(), publisher.close()]);
      await broker.close();
      database.stop();
      await db.destroy();
      await http.close();
    },
  };
}
