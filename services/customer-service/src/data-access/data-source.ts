import { createDataSource } from '@shop/platform';
import { CreateCustomers1764100000000 } from './migrations/1764100000000-create-customers';

export const createCustomerDataSource = (url: string, poolSize: number) =>
  createDataSource({ url, poolSize, applicationName: 'customer-service', migrations: [CreateCustomers1764100000000] });
