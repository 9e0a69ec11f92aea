import type { CustomerStatus, OrderStatus, PricedLine, Rejection, ShippingAddress } from './types';

export interface CustomerView {
  customerId: string;
  name: string;
  email: string;
  status: CustomerStatus;
  shippingAddress: ShippingAddress | null;
  createdAt: string;
}

export interface ProductView {
  productId: string;
  name: string;
  price: number;
  currency: string;
  available: number;
  onHand: number;
}

export type ReservationResult =
  | { orderId: string; status: 'RESERVED'; lines: PricedLine[]; currency: string }
  | { orderId: string; status: 'REJECTED'; rejection: Rejection }
  /** The order was released (cancelled) before this reserve arrived: nothing is held. */
  | { orderId: string; status: 'RELEASED' };

export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: Array<{ productId: string; quantity: number; unitPrice: number | null }>;
  total: number | null;
  currency: string;
  customerName: string | null;
  customerEmail: string | null;
  shippingAddress: ShippingAddress | null;
  rejectionReason?: Rejection;
  /** When the gateway accepted the order; createdAt is when order-management recorded it. */
  acceptedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
