import type { Rejection, ShippingAddress } from '@shop/contracts';
import type { Order } from '../domain/order';

export interface OrderRow {
  id: string;
  customer_id: string;
  status: Order['status'];
  items: Array<{ productId: string; quantity: number; unitPrice?: number }>;
  total: string | null;
  currency: string;
  customer_name: string | null;
  customer_email: string | null;
  shipping_address: ShippingAddress | null;
  rejection: Rejection | null;
  accepted_at: Date;
  created_at: Date;
  updated_at: Date;
}

const columns = ['id', 'customer_id', 'status', 'items', 'total', 'currency', 'customer_name', 'customer_email', 'shipping_address', 'rejection', 'accepted_at', 'created_at', 'updated_at'];

export const orderColumns = (alias?: string): string => columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');

export const toOrder = (row: OrderRow): Order => ({
  orderId: row.id,
  customerId: row.customer_id,
  status: row.status,
  items: row.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: i.unitPrice ?? null })),
  total: row.total === null ? null : Number(row.total),
  currency: row.currency,
  customerName: row.customer_name,
  customerEmail: row.customer_email,
  shippingAddress: row.shipping_address,
  ...(row.rejection ? { rejectionReason: row.rejection } : {}),
  acceptedAt: row.accepted_at.toISOString(),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});
