// Experiment preload (tracing-cost.mjs, mode "als"): turns on one AsyncLocalStorage and nothing
// else, so a run measures what Node 20 charges every promise once a context manager exists:
// the OpenTelemetry SDK's AsyncLocalStorageContextManager does exactly this, sampled or not.
const { AsyncLocalStorage } = require('node:async_hooks');

const storage = new AsyncLocalStorage();
storage.enterWith({ experiment: 'async-local-storage' });
globalThis.__experimentStorage = storage;
