/** An order's statuses, the one list the schemas, the published document and the database use. */
export const orderStatuses = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * Why an order was rejected. ORDER_TOTAL_TOO_LARGE: the priced order would exceed
 * moneyLimits.orderTotal. INVALID_ORDER: the order's own data failed where no other order's did
 * (it cannot be stored or priced).
 */
export const rejectionCodes = ['OUT_OF_STOCK', 'UNKNOWN_PRODUCT', 'CUSTOMER_NOT_FOUND', 'CUSTOMER_INACTIVE', 'ORDER_TOTAL_TOO_LARGE', 'INVALID_ORDER'] as const;
export type RejectionCode = (typeof rejectionCodes)[number];

export const customerStatuses = ['ACTIVE', 'INACTIVE'] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

export interface ShippingAddress {
  name?: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface PricedLine extends OrderLine {
  unitPrice: number;
}

export interface Rejection {
  code: RejectionCode;
  message: string;
  productIds?: string[];
}

export type Role = 'customer' | 'admin';

/** Who is asking: carried on every read and write that is scoped to a customer. */
export interface Caller {
  customerId: string;
  role: Role;
}
