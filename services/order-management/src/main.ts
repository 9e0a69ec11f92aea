import { configOrExit, createLogger, runUntilSignalled } from '@shop/platform';
import { startOrderManagement } from './app';
import { loadOrderManagementConfig } from './config';

const config = configOrExit(() => loadOrderManagementConfig(process.env));
const logger = createLogger('order-management', config.logLevel);
runUntilSignalled(() => startOrderManagement(config, logger), logger, config.shutdownGraceMs);
