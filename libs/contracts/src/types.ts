export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
export type RejectionCode =
  | 'OUT_OF_STOCK'
  | 'UNKNOWN_PRODUCT'
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_INACTIVE'
  /** The priced order would exceed moneyLimits.orderTotal. */
  | 'ORDER_TOTAL_TOO_LARGE'
  /** The order's own data failed where no other order's did (it cannot be stored or priced). */
  | 'INVALID_ORDER';

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
