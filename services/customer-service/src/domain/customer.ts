import type { CustomerView, ShippingAddress } from '@shop/contracts';

export type Customer = CustomerView;

export interface NewCustomer {
  name: string;
  email: string;
  shippingAddress?: ShippingAddress;
}

export interface CustomerChanges {
  customerId: string;
  name?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  shippingAddress?: ShippingAddress | null;
}

export interface CustomerRepository {
  findMany(ids: string[]): Promise<Customer[]>;
  /** Returns undefined when the email is taken. */
  insert(customer: NewCustomer & { customerId: string }): Promise<Customer | undefined>;
  update(changes: CustomerChanges): Promise<Customer | undefined>;
}
