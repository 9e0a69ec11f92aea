import express, { type Express } from 'express';
import { declarePlaceOrderTopology } from '@shop/contracts';
import { BrokerConnection, ConfirmPublisher, RpcClient } from '@shop/messaging';
import { createMetrics, errorHandler, httpMetrics, mountOpsRoutes, notFoundRoute, startHttpServer, traceRequests, tracingActive, type Logger, type Metrics } from '@shop/platform';
import type { GatewayConfig } from './config';
import { createCatalogUseCases, type CatalogUseCases } from './domain/catalog.use-cases';
import { createCustomerUseCases, type CustomerUseCases } from './domain/customers.use-cases';
import { createOrderIds } from './domain/order-ids';
import { createOrderUseCases, type OrderUseCases } from './domain/orders.use-cases';
import { createPlaceOrder, type PlaceOrder } from './domain/place-order.use-case';
import { createTokenVerifier, type TokenVerification } from './domain/tokens';
import { apiDocsRoutes } from './entry-points/http/api-docs.routes';
import { createAuth } from './entry-points/http/auth.middleware';
import { customersRoutes } from './entry-points/http/customers.routes';
import { inFlightCap, perCustomerRate, type OrderLimits } from './entry-points/http/order-limits';
import { gatewayOpenApi } from './entry-points/http/openapi/gateway.openapi';
import { ordersRoutes } from './entry-points/http/orders.routes';
import { productsRoutes } from './entry-points/http/products.routes';
import { createOrderCommands } from './outbound/order-commands.publisher';
import { createCustomerService, createInventoryService, createOrderService } from './outbound/rpc.clients';
import { loadTokenVerification } from './outbound/token-keys';

export interface GatewayDeps {
  logger: Logger;
  orderLimits: OrderLimits;
  metrics: Metrics;
  tokens: TokenVerification;
  placeOrder: PlaceOrder;
  orders: OrderUseCases;
  catalog: CatalogUseCases;
  customers: CustomerUseCases;
  ready: () => boolean;
}

/** The HTTP surface alone, wired to whatever use cases it is given. */
export function createGatewayApp(deps: GatewayDeps): Express {
  const { logger, metrics } = deps;
  const requireRole = createAuth(createTokenVerifier(deps.tokens));
  const authenticated = requireRole('customer', 'admin');
  const admin = requireRole('admin');

  const app = express();
  app.disable('x-powered-by');
  // Answers are per request and never revalidated; hashing every body for an ETag is wasted CPU.
  app.disable('etag');
  // Probes and scrapes would be most of the traces and tell nothing.
  if (tracingActive()) app.use(traceRequests({ ignore: /^\/(healthz|readyz|livez|metrics)\b/ }));
  app.use(httpMetrics(metrics));
  mountOpsRoutes(app, metrics, { ready: deps.ready });
  const limits = [inFlightCap(deps.orderLimits, metrics), ...(deps.orderLimits.perCustomerPerSecond > 0 ? [perCustomerRate(deps.orderLimits, metrics)] : [])];
  app.use(ordersRoutes({ placeOrder: deps.placeOrder, orders: deps.orders, authenticated, limits, metrics }));
  app.use(productsRoutes({ catalog: deps.catalog, admin }));
  app.use(customersRoutes({ customers: deps.customers, authenticated, admin }));
  // Built once per process from the schemas the routes validate with (a few milliseconds).
  app.use(apiDocsRoutes(gatewayOpenApi()));
  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}

export interface RunningGateway {
  port: number;
  app: Express;
  stop(): Promise<void>;
}

/**
 * Starts serving even while the broker is unreachable: /readyz stays 503 and writes answer 503
 * until the connection (which retries by itself) is up.
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const metrics = createMetrics('api-gateway');
  const broker = new BrokerConnection({ url: config.brokerUrls, name: 'api-gateway', logger, settleMs: config.brokerSettleMs });
  const publisher = new ConfirmPublisher(broker, logger, config.publishTimeoutMs, (channel) =>
    declarePlaceOrderTopology(channel, config.queueType),
  );
  const rpc = new RpcClient(broker, logger, config.rpcTimeoutMs, metrics);
  const orderService = createOrderService(rpc);
  const orderIds = createOrderIds(config.orderIdSecret);
  const tokens = await loadTokenVerification(config.identity);
  const clock = { now: () => new Date() };
  let draining = false;

  await publisher.start();
  await rpc.start();
  await broker.start();

  const app = createGatewayApp({
    logger,
    orderLimits: config.orderLimits,
    metrics,
    tokens,
    placeOrder: createPlaceOrder({
      commands: createOrderCommands(publisher, config.commandsPerMessage),
      idempotency: orderService,
      clock,
      ids: orderIds,
    }),
    orders: createOrderUseCases({ orders: orderService, orderIds, clock }),
    catalog: createCatalogUseCases({ inventory: createInventoryService(rpc) }),
    customers: createCustomerUseCases({ customers: createCustomerService(rpc) }),
    ready: () => !draining && broker.isConnected && publisher.isReady && rpc.isReady,
  });
  const http = await startHttpServer(app, config.port);
  logger.info({ port: http.port }, 'api-gateway listening');

  return {
    port: http.port,
    app,
    async stop() {
      draining = true;
      // In-flight requests finish first: each is waiting for its confirm or reply.
      await http.close();
      await publisher.close();
      await rpc.close();
      await broker.close();
    },
  };
}
