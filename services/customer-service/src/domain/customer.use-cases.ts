import { newId } from '@shop/contracts';
import type { CustomerChanges, CustomerRepository, NewCustomer } from './customer';
import { customerNotFound, emailTaken } from './customer.errors';

/** Customers are looked up in bulk: the order saga asks for a whole batch at once. */
export function createCustomerUseCases({ customers }: { customers: CustomerRepository }) {
  return {
    getMany: async ({ customerIds }: { customerIds: string[] }) => ({
      customers: await customers.findMany([...new Set(customerIds)]),
    }),

    create: async (input: NewCustomer) => {
      const created = await customers.insert({ ...input, customerId: newId() });
      if (!created) throw emailTaken();
      return created;
    },

    update: async (changes: CustomerChanges) => {
      const updated = await customers.update(changes);
      if (!updated) throw customerNotFound();
      return updated;
    },
  };
}

export type CustomerUseCases = ReturnType<typeof createCustomerUseCases>;
