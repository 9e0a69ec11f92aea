import { configOrExit, createLogger, migrateAndExit } from '@shop/platform';
import { loadCustomerServiceConfig } from '../config';
import { createCustomerDataSource } from './data-source';

const config = configOrExit(() => loadCustomerServiceConfig(process.env));
void migrateAndExit(createCustomerDataSource(config.databaseUrl, 1), createLogger('customer-service-migrate', config.logLevel));
