import { configOrExit, createLogger, runUntilSignalled } from '@shop/platform';
import { startGateway } from './app';
import { loadGatewayConfig } from './config';

const config = configOrExit(() => loadGatewayConfig(process.env));
const logger = createLogger('api-gateway', config.logLevel);
runUntilSignalled(() => startGateway(config, logger), logger, config.shutdownGraceMs);
