// Test helpers several workspaces' tests share: the test profile's environment, broker and API
// clients, tokens, free ports, the platform as processes, a TCP proxy that cuts or stalls, polling,
// /metrics pages, and a Jaeger and a Prometheus of their own.
export * from './local-env';
export * from './broker';
export * from './api';
export * from './tokens';
export * from './ports';
export * from './platform';
export * from './tcp-proxy';
export * from './poll';
export * from './jaeger';
export * from './openapi';
export * from './metrics';
export * from './prometheus';
export * from './chromium';
