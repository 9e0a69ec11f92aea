import type { Caller, CustomerView, OrderStatus, OrderView, Page, PlaceOrderCommand, ProductView, ShippingAddress } from '@shop/contracts';
import type { Context } from '@shop/platform';

/**
 * The trace context of the request a call continues, handed on as it is: the gateway carries it
 * explicitly past its awaits (package.json, orderPlatform.traceContext; docs/observability.md).
 */
export type TraceContext = Context;

/**
 * What the gateway needs from the services behind it. The adapters in `outbound/` speak
 * RabbitMQ; errors come back as AppError with the owning service's status and code.
 */
export interface OrderCommands {
  /** Resolves only once the broker confirmed the persistent command. */
  placeOrder(command: PlaceOrderCommand, trace?: TraceContext): Promise<void>;
}

export interface IdempotencyClaim {
  customerId: string;
  key: string;
  requestHash: string;
  orderId: string;
}

export interface OrderService {
  /** Returns the order id stored for (customer, key): ours if we were first, else the earlier one. */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<{ orderId: string; requestHash: string }>;
  get(input: { orderId: string; caller: Caller }): Promise<OrderView>;
  list(input: { caller: Caller; status?: OrderStatus; limit: number; cursor?: string }): Promise<Page<OrderView>>;
  cancel(input: { orderId: string; caller: Caller }): Promise<OrderView>;
  cancelUnrecorded(input: { orderId: string; customerId: string; acceptedAt: string }, trace?: TraceContext): Promise<OrderView>;
}

export interface InventoryService {
  getProduct(input: { productId: string }): Promise<ProductView>;
  listProducts(input: { limit: number; cursor?: string }): Promise<Page<ProductView>>;
  createProduct(input: { name: string; price: number; stock: number }): Promise<ProductView>;
  updateProduct(input: { productId: string; price?: number; stock?: number }): Promise<ProductView>;
}

export interface CustomerChanges {
  customerId: string;
  name?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  shippingAddress?: ShippingAddress | null;
}

export interface CustomerService {
  getMany(input: { customerIds: string[] }): Promise<{ customers: CustomerView[] }>;
  create(input: { name: string; email: string; shippingAddress?: ShippingAddress }): Promise<CustomerView>;
  update(changes: CustomerChanges): Promise<CustomerView>;
}
