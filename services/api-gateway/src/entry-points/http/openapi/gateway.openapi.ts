import Joi from 'joi';
import { integer } from '@shop/contracts';
import { buildOpenApiDocument, type DocumentSpec, type JsonSchema } from '@shop/platform';
import { createCustomerBody, updateCustomerBody } from '../customers.routes';
import { idempotencyKeySchema, placeOrderBody } from '../orders.routes';
import { createProductBody, updateProductBody } from '../products.routes';
import { customersOperations } from './customers.operations';
import { ordersOperations } from './orders.operations';
import { productsOperations } from './products.operations';
import * as responses from './response.schemas';
import { serviceOperations } from './service.operations';

/** Every route the gateway serves; test/openapi.test.ts checks this against what Express registers. */
export const gatewayOperations = [...ordersOperations, ...productsOperations, ...customersOperations, ...serviceOperations];

const description = `Orders over HTTP, decided asynchronously: POST /v1/orders answers 202 once the command is durable, and the order's Location tells its outcome.

Bodies and queries are checked strictly: a field of the wrong JSON type (the string "2" for a number, a number for a string) and any field or query parameter not listed here are refused with 400, whose \`errors\` name each field. Query integers are plain decimal digits. Patterns and lengths apply to the values as sent; text fields are then trimmed and ids lower-cased before they are stored. A country code is taken only as two upper-case letters.

Errors are \`application/problem+json\` with a stable \`code\`; each answer below lists the codes it can carry.`;

/** What the gateway's document is built from. */
export function gatewaySpec(): DocumentSpec {
  return {
    info: { title: 'Order platform API', version: '1.0.0', description },
    tags: [
      { name: 'orders', description: 'Place, follow and cancel orders.' },
      { name: 'products', description: 'The catalogue: anyone reads, admins write.' },
      { name: 'customers', description: 'Customer records: admins write, customers read their own.' },
      { name: 'service', description: 'Probes, metrics and this document.' },
    ],
    bearer: { description: 'A JWT (HS256) from the platform\'s issuer: `sub` is the customer id, `role` is `customer` or `admin`.' },
    schemas: {
      PlaceOrderRequest: placeOrderBody,
      PlacedOrder: responses.placedOrderSchema,
      Order: responses.orderSchema,
      OrderPage: responses.orderPageSchema,
      Product: responses.productSchema,
      AdminProduct: responses.adminProductSchema,
      ProductPage: responses.productPageSchema,
      CreateProductRequest: createProductBody,
      UpdateProductRequest: updateProductBody,
      Customer: responses.customerSchema,
      CreateCustomerRequest: createCustomerBody,
      UpdateCustomerRequest: updateCustomerBody,
    },
    headers: {
      Location: { description: 'The path of the created resource; for an order, its status monitor.', schema: Joi.string() },
      'Retry-After': { description: 'Seconds to wait before polling again or retrying.', schema: integer().min(0) },
      // IETF draft-ietf-httpapi-ratelimit-headers, on every answer of a rate-limited route.
      'RateLimit-Policy': { description: 'The limit that applies: `"orders";q=<orders>;w=<seconds>`, per customer and gateway process.', schema: Joi.string() },
      RateLimit: { description: 'What is left of it: `"orders";r=<remaining>;t=<seconds until the window resets>`.', schema: Joi.string() },
    },
    everyAuthenticatedResponse: [],
    parameters: {
      'Idempotency-Key': { description: 'Makes retries of this request return its first answer (kept 24 h).', schema: idempotencyKeySchema },
    },
    operations: gatewayOperations,
  };
}

/** The gateway's OpenAPI 3.1 document, built from the joi schemas its routes validate with. */
export function gatewayOpenApi(): JsonSchema {
  return buildOpenApiDocument(gatewaySpec());
}
