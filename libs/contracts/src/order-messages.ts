import Joi from 'joi';
import { compileSchema } from './compiled-schema';
import { orderLinesJson, shippingAddressJson, uuid, uuidJson } from './common.schemas';
import type { OrderLine, OrderStatus, Rejection, ShippingAddress } from './types';

export const messageTypes = {
  placeOrder: 'PlaceOrder',
  orderConfirmed: 'OrderConfirmed',
  orderRejected: 'OrderRejected',
  orderCancelled: 'OrderCancelled',
} as const;

/** The command the gateway publishes once per accepted order; its messageId is the orderId. */
export interface PlaceOrderCommand {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  shippingAddress?: ShippingAddress;
  acceptedAt: string;
}

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
  status: Joi.string().valid('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED').required(),
  total: Joi.number().integer().min(0).required(),
  currency: Joi.string().length(3).required(),
  items: Joi.array().items(Joi.object({ productId: uuid.required(), quantity: Joi.number().integer().required() }).unknown(true)).required(),
  rejectionReason: Joi.object().unknown(true),
  occurredAt: Joi.string().isoDate().required(),
}).unknown(true);
