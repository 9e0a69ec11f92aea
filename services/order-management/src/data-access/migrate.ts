import { configOrExit, createLogger, migrateAndExit } from '@shop/platform';
import { loadOrderManagementConfig } from '../config';
import { createOrdersDataSource } from './data-source';

const config = configOrExit(() => loadOrderManagementConfig(process.env));
void migrateAndExit(createOrdersDataSource(config.databaseUrl, 1), createLogger('order-management-migrate', config.logLevel));
