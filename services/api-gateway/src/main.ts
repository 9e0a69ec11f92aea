import { configOrExit, createLogger, runUntilSignalled, runWorkers } from '@shop/platform';
import { startGateway } from './app';
import { loadGatewayConfig } from './config';

const config = configOrExit(() => loadGatewayConfig(process.env));
const logger = createLogger('api-gateway', config.logLevel);
runWorkers(config.workers, () => runUntilSignalled(() => startGateway(config, logger), logger, config.shutdownGraceMs), logger);
