/**
 * `node --require @shop/platform/preload dist/main.js`: starts tracing before the service's own
 * code is loaded, so the instrumentations patch http, express and pg before anything requires
 * them. Without an OTLP endpoint it does nothing (see sdk.ts).
 */
import { startTracing } from './sdk';

// The OTEL_* variables are the SDK's own configuration (the OpenTelemetry specification), read here
// like config.ts reads the service's.
startTracing(process.env, process.argv[1]);
