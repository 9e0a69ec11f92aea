import { configOrExit, createLogger, runUntilSignalled } from '@shop/platform';
import { startCustomerService } from './app';
import { loadCustomerServiceConfig } from './config';

const config = configOrExit(() => loadCustomerServiceConfig(process.env));
const logger = createLogger('customer-service', config.logLevel);
runUntilSignalled(() => startCustomerService(config, logger), logger, config.shutdownGraceMs);
