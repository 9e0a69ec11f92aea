import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import Joi from 'joi';
import { idempotencyKeyPattern, orderLinesSchema, orderStatuses, shippingAddressSchema, type OrderLine, type OrderStatus, type OrderView, type ShippingAddress } from '@shop/contracts';
import { jsonBody, requestContext, resumeTrace, tagRequest, validationError, type Metrics } from '@shop/platform';
import type { OrderUseCases } from '../../domain/orders.use-cases';
import type { PlaceOrder } from '../../domain/place-order.use-case';
import { callerOf } from './auth.middleware';
import { cursorSchema, limitSchema, pathId, validate } from './validate';

/** The body of POST /v1/orders (exported for the contract test against order-management's schema). */
export const placeOrderBody = Joi.object({ items: orderLinesSchema, shippingAddress: shippingAddressSchema }).required();
export const listOrdersQuery = Joi.object({
  status: Joi.string().valid(...orderStatuses),
  limit: limitSchema,
  cursor: cursorSchema,
});
// Visible ASCII only: the key is stored and compared byte for byte by order-management.
const idempotencyKeyRule = 'must be 1 to 200 visible ASCII characters';
/** The header's schema, for the published document; the route tests the pattern itself. */
export const idempotencyKeySchema = Joi.string().pattern(idempotencyKeyPattern, { name: idempotencyKeyRule });

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (idempotencyKeyPattern.test(header)) return header;
  throw validationError({ details: [{ path: ['Idempotency-Key'], message: idempotencyKeyRule }] }, 'The Idempotency-Key header is not valid');
}

/** Orders are usually decided well within a second of their 202. */
const PENDING_RETRY_AFTER_S = '1';

export const toOrderResponse = (o: OrderView) => ({
  orderId: o.orderId,
  customerId: o.customerId,
  status: o.status,
  items: o.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
  total: o.total,
  currency: o.currency,
  shippingAddress: o.shippingAddress,
  ...(o.rejectionReason ? { rejectionReason: o.rejectionReason } : {}),
  ...(o.customerName != null ? { customerName: o.customerName } : {}),
  ...(o.customerEmail != null ? { customerEmail: o.customerEmail } : {}),
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
});

const refusalReasons = ['unauthorized', 'idempotency_key_reused', 'rate_limited', 'overloaded', 'upstream_timeout', 'broker_unavailable', 'validation', 'error'] as const;

/** The reason label of orders_refused_total, from the error that refused the order. */
function refusalReason(err: unknown): (typeof refusalReasons)[number] {
  // body-parser errors carry a status as well, so malformed or oversized bodies count as validation.
  const { status = 500, code } = err as { status?: number; code?: string };
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 422) return 'idempotency_key_reused';
  if (status === 429) return 'rate_limited';
  if (code === 'overloaded') return 'overloaded';
  if (code === 'upstream-timeout') return 'upstream_timeout';
  if (status === 503) return 'broker_unavailable';
  if (status >= 400 && status < 500) return 'validation';
  return 'error';
}

export interface OrdersRouteDeps {
  placeOrder: PlaceOrder;
  orders: OrderUseCases;
  authenticated: RequestHandler;
  /** Run before the body is read (order-limits.ts). */
  limits: RequestHandler[];
  metrics: Metrics;
}

export function ordersRoutes({ placeOrder, orders, authenticated, limits, metrics }: OrdersRouteDeps): Router {
  const accepted = metrics.counter('orders_accepted_total', 'Orders the broker confirmed and the gateway answered 202 for');
  const refused = metrics.counter('orders_refused_total', 'Order submissions answered with an error, by reason', ['reason']);
  // At zero from the start: the first refusal is an increase, and "by reason" has its series before.
  for (const reason of refusalReasons) refused.inc({ reason }, 0);
  const countRefusal: ErrorRequestHandler = (err, _req, _res, next) => {
    refused.inc({ reason: refusalReason(err) });
    next(err);
  };
  const router = Router();

  const submit: RequestHandler = async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req.get('Idempotency-Key'));
    const body = validate<{ items: OrderLine[]; shippingAddress?: ShippingAddress }>(placeOrderBody, req.body);
    // The request's trace context goes along explicitly: it is gone after an await (sync-context.ts).
    const trace = requestContext(req);
    const { orderId } = await placeOrder({ caller: callerOf(res), ...body, idempotencyKey, trace });
    tagRequest({ 'order.id': orderId }, trace);
    accepted.inc();
    // The Location is a status monitor: Retry-After says when a poll is worth making.
    res.status(202).location(`/v1/orders/${orderId}`).set('Retry-After', PENDING_RETRY_AFTER_S).json({ orderId, status: 'PENDING' });
  };
  // Shedding and the customer's rate come before the body is read: a refused request costs little.
  router.post('/v1/orders', authenticated, ...limits, ...jsonBody('16kb'), resumeTrace, submit, countRefusal);

  // A dry run of POST /v1/orders: the same auth, parsing and validation, and nothing published.
  // Clients can check a cart before ordering; the benchmark uses it to measure the gateway alone.
  router.post('/v1/orders/validate', authenticated, ...jsonBody('16kb'), (req, res) => {
    idempotencyKeyOf(req.get('Idempotency-Key'));
    validate(placeOrderBody, req.body);
    res.json({ valid: true });
  });

  // resumeTrace: the handler's calls continue the request's trace (the authentication awaited).
  router.get('/v1/orders', authenticated, resumeTrace, async (req, res) => {
    const query = validate<{ status?: OrderStatus; limit: number; cursor?: string }>(listOrdersQuery, req.query);
    const page = await orders.list(callerOf(res), query);
    res.json({ items: page.items.map(toOrderResponse), nextCursor: page.nextCursor });
  });

  router.get('/v1/orders/:id', authenticated, resumeTrace, async (req, res) => {
    const orderId = pathId(req.params.id, 'Order');
    tagRequest({ 'order.id': orderId });
    const order = await orders.get(callerOf(res), orderId);
    if (order.status === 'PENDING') res.set('Retry-After', PENDING_RETRY_AFTER_S);
    res.json(toOrderResponse(order));
  });

  router.post('/v1/orders/:id/cancel', authenticated, resumeTrace, async (req, res) => {
    const orderId = pathId(req.params.id, 'Order');
    tagRequest({ 'order.id': orderId });
    const order = await orders.cancel(callerOf(res), orderId, requestContext(req));
    res.json(toOrderResponse(order));
  });

  return router;
}
