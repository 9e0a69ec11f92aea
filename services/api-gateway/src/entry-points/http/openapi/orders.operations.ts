import { uuid } from '@shop/contracts';
import type { LinkSpec, OperationSpec } from '@shop/platform';
import { listOrdersQuery, placeOrderBody } from '../orders.routes';
import { byId, internal, jsonBody, problems, query, signedIn, upstream } from './problems';
import { orderPageSchema, orderSchema, placedOrderSchema, validOrderSchema } from './response.schemas';

const customer = ['customer', 'admin'];

/** What a client does with an order it holds: read it, cancel it. */
const orderLinks = (from: string): Record<string, LinkSpec> => ({
  getOrder: { operationId: 'getOrder', description: 'Read this order.', parameters: { id: from } },
  cancelOrder: { operationId: 'cancelOrder', description: 'Cancel this order.', parameters: { id: from } },
});

export const ordersOperations: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/orders',
    operationId: 'placeOrder',
    summary: 'Place an order',
    description:
      'The customer is the token subject, never the body. The answer comes once the broker has confirmed the command: 202 with the order id and a Location to poll, or 503 with Retry-After when the command could not be confirmed or too many orders already wait for the broker (overloaded). A customer over its rate gets 429 with Retry-After; every answer carries the RateLimit and RateLimit-Policy headers. Repeat a request with the same Idempotency-Key to get the first answer again (kept 24 h); the same key with another body is 422.',
    tag: 'orders',
    roles: customer,
    headers: ['Idempotency-Key'],
    body: placeOrderBody,
    responses: {
      202: { description: 'Accepted: the order is PENDING and will be CONFIRMED or REJECTED.', body: placedOrderSchema, headers: ['Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy'], links: orderLinks('$response.body#/orderId') },
    },
    problems: problems(internal, signedIn, jsonBody, upstream, { 422: ['idempotency-key-reused'], 429: ['rate-limited'], 503: ['publish-unconfirmed', 'overloaded'] }),
    problemHeaders: { 429: ['RateLimit', 'RateLimit-Policy'] },
  },
  {
    method: 'post',
    path: '/v1/orders/validate',
    operationId: 'validateOrder',
    summary: 'Check an order without placing it',
    description: 'The checks of POST /v1/orders (token, Idempotency-Key, body), and nothing published.',
    tag: 'orders',
    roles: customer,
    headers: ['Idempotency-Key'],
    body: placeOrderBody,
    responses: { 200: { description: 'The order would be accepted for processing.', body: validOrderSchema } },
    problems: problems(internal, signedIn, jsonBody),
  },
  {
    method: 'get',
    path: '/v1/orders',
    operationId: 'listOrders',
    summary: "List the caller's orders, newest first",
    tag: 'orders',
    roles: customer,
    query: listOrdersQuery,
    responses: { 200: { description: 'A page of orders.', body: orderPageSchema } },
    problems: problems(internal, signedIn, query, upstream, { 400: ['invalid-cursor'] }),
  },
  {
    method: 'get',
    path: '/v1/orders/:id',
    operationId: 'getOrder',
    summary: 'Read an order',
    description:
      "The caller's own orders only: another customer's order is 404. From its 202 on, an order reads as PENDING (possibly with no items yet) until it is decided; while PENDING the answer carries Retry-After.",
    tag: 'orders',
    roles: customer,
    params: { id: uuid },
    responses: { 200: { description: 'The order.', body: orderSchema, headers: ['Retry-After'], links: { cancelOrder: orderLinks('$response.body#/orderId').cancelOrder } } },
    problems: problems(internal, signedIn, byId, upstream),
  },
  {
    method: 'post',
    path: '/v1/orders/:id/cancel',
    operationId: 'cancelOrder',
    summary: 'Cancel an order',
    description: 'A PENDING or CONFIRMED order is CANCELLED and its stock released, also right after its 202, before it is recorded.',
    tag: 'orders',
    roles: customer,
    params: { id: uuid },
    responses: { 200: { description: 'The cancelled order.', body: orderSchema, links: { getOrder: orderLinks('$response.body#/orderId').getOrder } } },
    problems: problems(internal, signedIn, byId, upstream, { 409: ['order-not-cancellable'] }),
  },
];
