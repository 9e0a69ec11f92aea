import type { CustomerView, ShippingAddress } from '@shop/contracts';
import { notFound } from '@shop/platform';
import type { CustomerChanges, CustomerService } from './upstream';

export function createCustomerUseCases({ customers }: { customers: CustomerService }) {
  return {
    /** A valid token whose subject has no customer row (e.g. an admin) has no profile. */
    me: async (customerId: string): Promise<CustomerView> => {
      const { customers: found } = await customers.getMany({ customerIds: [customerId] });
      const customer = found.find((c) => c.customerId === customerId);
      if (!customer) throw notFound('Customer');
      return customer;
    },
    create: (input: { name: string; email: string; shippingAddress?: ShippingAddress }) => customers.create(input),
    update: (changes: CustomerChanges) => customers.update(changes),
  };
}

export type CustomerUseCases = ReturnType<typeof createCustomerUseCases>;
