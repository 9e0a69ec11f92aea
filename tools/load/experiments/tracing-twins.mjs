// Experiment: what tracing costs each service and the pipeline, measured on twins that run side by
// side (tools/load/src/bench/tracing-twins.ts, which `npm run bench` runs too), with knobs for
// trials. Needs the test profile's broker and databases with the demo data, and a build: run
// `npm run load -- --spawn --orders 1000` once first (PLATFORM_TEST_SLOT picks the set-up).
//   node tools/load/experiments/tracing-twins.mjs [--rounds 3] [--rate 1000] [--orders 20000] [--modes off,0.1] [--gateway-only]
// Environment, for trials:
//   TWIN_ENV            JSON of more env for every traced instance (e.g. {"OTEL_TRACES_SAMPLER_ARG":"0"})
//   TWIN_NODE_OPTIONS   NODE_OPTIONS of every traced instance (an experiment's preload, say)
//   TWIN_NODE_ARGS      node options of the traced twins (e.g. --cpu-prof --cpu-prof-dir=DIR)
//   TWIN_OFF_NODE_ARGS  node options of the untraced twins
//   TWIN_COUNT_SPANS=1  spans go as OTLP/JSON to a sink here that counts them by service and name
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const { measureTracingTwins } = require(path.join(root, 'tools', 'load', 'dist', 'bench', 'tracing-twins.js'));
const { formatTracing } = require(path.join(root, 'tools', 'load', 'dist', 'bench', 'bench-report.js'));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    orders: { type: 'string', default: '20000' },
    modes: { type: 'string', default: 'off,0.1' },
    'gateway-only': { type: 'boolean', default: false },
  },
});

const spanCounts = new Map();
let counting;
if (process.env.TWIN_COUNT_SPANS) {
  counting = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      for (const resourceSpans of JSON.parse(body).resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue;
        for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) spanCounts.set(`${service} ${span.name}`, (spanCounts.get(`${service} ${span.name}`) ?? 0) + 1);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => counting.listen(0, '127.0.0.1', resolve));
}

const tracedEnv = {
  ...(counting ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '500' } : {}),
  ...(process.env.TWIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.TWIN_NODE_OPTIONS } : {}),
  ...JSON.parse(process.env.TWIN_ENV ?? '{}'),
};
const args = (name) => (process.env[name] ? process.env[name].split(' ') : undefined);
const cost = await measureTracingTwins({
  modes: values.modes.split(','),
  rounds: Number(values.rounds),
  rate: Number(values.rate),
  orders: Number(values.orders),
  gatewayOnly: values['gateway-only'],
  tracedEnv,
  tracedNodeArgs: args('TWIN_NODE_ARGS'),
  offNodeArgs: args('TWIN_OFF_NODE_ARGS'),
  ...(counting ? { endpoint: `http://127.0.0.1:${counting.address().port}` } : {}),
  say: (line) => console.log(line),
});
counting?.close();

console.log(`\n${formatTracing(cost).join('\n')}`);
if (spanCounts.size > 0) {
  console.log('\nspans exported (all rounds, warm-ups included), by service and name:');
  for (const [key, count] of [...spanCounts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(8)}  ${key}`);
}
if (!cost.runs.every((r) => r.clean)) {
  console.log('\nSOME LOAD LOST OR DUPLICATED ORDERS');
  process.exitCode = 1;
}
