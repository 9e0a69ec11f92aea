import { createDataSource } from '@shop/platform';
import { CreateInventory1764100000000 } from './migrations/1764100000000-create-inventory';
import { LeanReservationLines1764300000000 } from './migrations/1764300000000-lean-reservation-lines';

export const createInventoryDataSource = (url: string, poolSize: number) =>
  createDataSource({
    url,
    poolSize,
    applicationName: 'inventory-service',
    migrations: [CreateInventory1764100000000, LeanReservationLines1764300000000],
  });
