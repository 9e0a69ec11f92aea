import Joi from 'joi';
import { compileSchema } from './compiled-schema';
import { orderLinesJson, shippingAddressJson, uuid, uuidJson } from './common.schemas';
import { orderStatuses, type OrderLine, type OrderStatus, type Rejection, type ShippingAddress } from './types';

export const messageTypes = {
  placeOrder: 'PlaceOrder',
  placeOrders: 'PlaceOrders',
  orderConfirmed: 'OrderConfirmed',
  orderRejected: 'OrderRejected',
  orderCancelled: 'OrderCancelled',
} as const;

/**
 * The command for one accepted order. The gateway sends the commands of one tick together in a
 * PlaceOrders message (`PlaceOrdersMessage`); a PlaceOrder message carries a single one and has
 * the order id as its messageId (COMMANDS_PER_MESSAGE=1, and any producer that sends them one
 * by one). order-management takes both and is idempotent per order id, never per message.
 */
export interface PlaceOrderCommand {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  shippingAddress?: ShippingAddress;
  acceptedAt: string;
  /** The W3C trace context of the request that accepted the order: its saga continues that trace. */
  traceparent?: string;
}

/** The body of a PlaceOrders message: each command is checked on its own. */
export interface PlaceOrdersMessage {
  commands: PlaceOrderCommand[];
}

/** At most this many commands share one message. */
export const maxCommandsPerMessage = 500;

/** Compiled: order-management checks every command, thousands per second. */
export const placeOrderCommandSchema = compileSchema<PlaceOrderCommand>({
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'customerId', 'items', 'acceptedAt'],
  properties: {
    orderId: uuidJson,
    customerId: uuidJson,
    items: orderLinesJson,
    shippingAddress: shippingAddressJson,
    acceptedAt: { type: 'string', format: 'date-time' },
    traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
  },
});

export interface OrderEvent {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  total: number;
  currency: string;
  items: OrderLine[];
  rejectionReason?: Rejection;
  occurredAt: string;
}

export const orderEventSchema = Joi.object<OrderEvent>({
  orderId: uuid.required(),
  customerId: uuid.required(),
  status: Joi.string().valid(...orderStatuses).required(),
  total: Joi.number().integer().min(0).required(),
  currency: Joi.string().length(3).required(),
  items: Joi.array().items(Joi.object({ productId: uuid.required(), quantity: Joi.number().integer().required() }).unknown(true)).required(),
  rejectionReason: Joi.object().unknown(true),
  occurredAt: Joi.string().isoDate().required(),
}).unknown(true);
