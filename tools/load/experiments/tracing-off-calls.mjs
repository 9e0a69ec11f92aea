// Experiment: what the tracing calls on an order's path cost with tracing off (no OTLP endpoint, so
// no SDK: every call is the OpenTelemetry API's no-op), in a loop, per order: the gateway's per
// request and per message, a batch of order-management's (26 orders in 5 messages, its `process`
// span, the orders' item traces, four saga steps, the outbox's and the metrics' reads), the relay's
// per event. A bound for "tracing off costs nothing", set against the pipeline's CPU per order.
//   node tools/load/experiments/tracing-off-calls.mjs
// Needs a build (npx tsc -b).
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const require = createRequire(path.join(root, 'libs', 'messaging', 'package.json'));
const platform = require('@shop/platform');
const { context, SpanKind, ROOT_CONTEXT } = require('@opentelemetry/api');

if (platform.tracingActive()) throw new Error('tracing is on in this process: unset OTEL_EXPORTER_OTLP_ENDPOINT');

/** Nanoseconds per call of fn, after a warm-up. */
function time(name, fn, calls) {
  for (let i = 0; i < calls / 10; i += 1) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) fn();
  const ns = Number(process.hrtime.bigint() - started) / calls;
  console.log(`${name.padEnd(66)} ${ns.toFixed(0).padStart(6)} ns`);
  return ns;
}

const orders = Array.from({ length: 26 }, (_, i) => ({ id: `order-${i}` }));
const ids = orders.map((o) => o.id);
const headers = { 'x-redeliveries': 0 };

const gateway =
  time('gateway, per request: its context, the command traceparent, tag, link', () => {
    const ctx = context.active();
    platform.traceparentIn(ctx);
    platform.tagRequest({ 'order.id': 'x' }, ctx);
    return platform.linkTo(ctx, { 'order.id': 'x' });
  }, 300_000) + time('gateway, per message (5 orders): the send span decision', () => !platform.spanContextOf(ROOT_CONTEXT), 300_000) / 5;
const batch =
  time('order-management, per batch (26 orders): process, items, 4 steps, reads', () => {
    const contexts = [0, 1, 2, 3, 4].map(() => platform.contextFrom(headers));
    contexts.map((ctx) => platform.linkTo(ctx)).filter(platform.isLink);
    const items = platform.startItemSpans('place order', orders, { idAttribute: 'order.id', kind: SpanKind.CONSUMER });
    platform.withItemContexts(items.contexts, () => {
      for (let step = 0; step < 4; step += 1) void platform.inSpan('step', {}, async () => step);
      for (const id of ids) {
        platform.itemTraceparent(id);
        platform.itemTraceId(id);
      }
      platform.traceparentIn();
    });
    items.end();
  }, 20_000) / orders.length;
const relay = time('order-management, per event relayed: its context, the send span decision', () => !platform.spanContextOf(platform.contextFrom(undefined)), 300_000);
console.log(`${'per order, tracing off'.padEnd(66)} ${(gateway + batch + relay).toFixed(0).padStart(6)} ns`);
