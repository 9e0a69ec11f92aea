import Joi from 'joi';
import { orderLinesSchema, shippingAddressSchema, uuid } from './common.schemas';
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

export const placeOrderCommandSchema = Joi.object<PlaceOrderCommand>({
  orderId: uuid.required(),
  customerId: uuid.required(),
  items: orderLinesSchema,
  shippingAddress: shippingAddressSchema,
  acceptedAt: Joi.string().isoDate().required(),
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
