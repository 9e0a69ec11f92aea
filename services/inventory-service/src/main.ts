import { configOrExit, createLogger, runUntilSignalled } from '@shop/platform';
import { startInventoryService } from './app';
import { loadInventoryServiceConfig } from './config';

const config = configOrExit(() => loadInventoryServiceConfig(process.env));
const logger = createLogger('inventory-service', config.logLevel);
runUntilSignalled(() => startInventoryService(config, logger), logger, config.shutdownGraceMs);
