import { createDataSource } from '@shop/platform';
import { CreateOrders1764100000000 } from './migrations/1764100000000-create-orders';

export const createOrdersDataSource = (url: string, poolSize: number) =>
  createDataSource({ url, poolSize, applicationName: 'order-management', migrations: [CreateOrders1764100000000] });
