import { configOrExit, createLogger, faultHooksFrom, runUntilSignalled } from '@shop/platform';
import { startInventoryService } from './app';
import { loadInventoryServiceConfig } from './config';

const config = configOrExit(() => loadInventoryServiceConfig(process.env));
const faults = configOrExit(() => faultHooksFrom(process.env));
const logger = createLogger('inventory-service', config.logLevel);
runUntilSignalled(() => startInventoryService(config, logger, faults), logger, config.shutdownGraceMs);
