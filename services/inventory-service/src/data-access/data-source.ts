import { createDataSource } from '@shop/platform';
import { CreateInventory1764100000000 } from './migrations/1764100000000-create-inventory';

export const createInventoryDataSource = (url: string, poolSize: number) =>
  createDataSource({ url, poolSize, applicationName: 'inventory-service', migrations: [CreateInventory1764100000000] });
