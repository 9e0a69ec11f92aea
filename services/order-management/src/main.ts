import { configOrExit, createLogger, faultHooksFrom, runUntilSignalled } from '@shop/platform';
import { crashPoints, startOrderManagement } from './app';
import { loadOrderManagementConfig } from './config';

const config = configOrExit(() => loadOrderManagementConfig(process.env));
const faults = configOrExit(() => faultHooksFrom(process.env, crashPoints));
const logger = createLogger('order-management', config.logLevel);
runUntilSignalled(() => startOrderManagement(config, logger, faults), logger, config.shutdownGraceMs);
