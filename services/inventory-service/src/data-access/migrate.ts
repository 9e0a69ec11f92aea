import { configOrExit, createLogger, migrateAndExit } from '@shop/platform';
import { loadInventoryServiceConfig } from '../config';
import { createInventoryDataSource } from './data-source';

const config = configOrExit(() => loadInventoryServiceConfig(process.env));
void migrateAndExit(createInventoryDataSource(config.databaseUrl, 1), createLogger('inventory-service-migrate', config.logLevel));
