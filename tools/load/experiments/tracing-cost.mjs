// Experiment: what tracing costs the pipeline. Round by round, in rotating order, the same load
// (`npm run load -- --spawn --fresh`) runs against
//   before  the code before tracing existed (a worktree of --baseline, built once),
//   added   the commit that added tracing (--added), off: what tracing alone costs when off,
//   off     this code with no OTLP endpoint (the default: the SDK is not even loaded),
//   als     off, plus one AsyncLocalStorage turned on in every service (async-local-storage.preload.js):
//           the context manager's share of what tracing on costs,
//   0.1     OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1, to a local Jaeger,
//   1.0     every trace exported to that Jaeger,
// and prints processed orders/s per run, the median per mode and each mode against `before` / `off`,
// and the services' CPU seconds per 1000 orders (from /proc): throughput moves with whatever else the
// machine runs, the CPU an order costs much less.
//   node tools/load/experiments/tracing-cost.mjs [--rounds 3] [--orders 20000] [--baseline REF]
// Needs the test profile's broker and database (KEEP_INFRA=1 npm test -- x starts them) and the
// cached Jaeger (scripts/observe/jaeger.sh build). Older commits know only the default test slot
// and their own token settings: with `before` or `added` among the modes, run it without
// PLATFORM_TEST_SLOT.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, orders: { type: 'string', default: '20000' }, baseline: { type: 'string' }, added: { type: 'string' }, modes: { type: 'string', default: 'before,added,off,0.1,1.0' } },
});
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
// Defaults: the commit that added the tracing SDK, and its parent.
const added = values.added ?? git('log', '--diff-filter=A', '--format=%H', '--', 'libs/platform/src/tracing/sdk.ts').split('\n').pop();
const baseline = values.baseline ?? `${added}^`;

/** A built worktree of ref, outside the repository so that no test runner or linter finds a second copy. */
function worktreeOf(ref) {
  const dir = path.join(homedir(), '.cache', 'order-platform', `tracing-cost-baseline-${git('rev-parse', '--short', ref)}`);
  if (!existsSync(path.join(dir, 'package.json'))) {
    console.error(`building ${git('rev-parse', '--short', ref)} in ${dir}`);
    git('worktree', 'add', '--force', '--detach', dir, ref);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    execFileSync('npx', ['tsc', '-b'], { cwd: dir, stdio: 'inherit' });
  }
  return dir;
}

const jaeger = path.join(root, 'scripts', 'observe', 'jaeger.sh');
execFileSync('bash', [jaeger, 'up'], { stdio: 'inherit' });
const endpoint = 'http://127.0.0.1:4318';
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
const modes = {
  before: { cwd: () => worktreeOf(baseline), env: clean },
  added: { cwd: () => worktreeOf(added), env: clean },
  off: { cwd: root, env: clean },
  als: { cwd: root, env: clean, args: [`--service-node-options=--require ${path.join(import.meta.dirname, 'async-local-storage.preload.js')}`] },
  '0.1': { cwd: root, env: { ...clean, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  '1.0': { cwd: root, env: { ...clean, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
};

for (const mode of Object.keys(modes)) if (!values.modes.split(',').includes(mode)) delete modes[mode];
const results = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
/** Per mode, per run: CPU seconds per 1000 orders of each service, and their sum under "all". */
const cpu = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
try {
  const names = Object.keys(modes);
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const mode = names[(i + round) % names.length];
      const { env, args = [] } = modes[mode];
      const cwd = typeof modes[mode].cwd === 'function' ? modes[mode].cwd() : modes[mode].cwd;
      const run = spawnSync(process.execPath, ['tools/load/bin/load.js', '--spawn', '--fresh', '--orders', values.orders, '--json', '--progress', 'none', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (run.status !== 0) throw new Error(`${mode}: load failed\n${run.stderr.slice(-2000)}`);
      const result = JSON.parse(run.stdout);
      const { lost, duplicated } = result.reconciliation;
      results[mode].push(result.processedPerSecond);
      const perService = Object.fromEntries(result.resources.map((r) => [r.name, r.cpuPer1000]));
      perService.all = Object.values(perService).reduce((a, b) => a + b, 0);
      cpu[mode].push(perService);
      console.log(`round ${round + 1} ${mode.padEnd(6)} processed/s ${result.processedPerSecond.toFixed(0)}  accepted/s ${result.acceptedPerSecond.toFixed(0)}  CPU s/1000 orders ${perService.all.toFixed(2)}  lost ${lost}  duplicated ${duplicated}`);
    }
  }
} finally {
  execFileSync('bash', [jaeger, 'down'], { stdio: 'inherit' });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(results).map(([k, xs]) => [k, median(xs)]));
const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(1)} %`;
console.log(`\nmedian processed/s over ${values.rounds} rounds of ${values.orders} orders (before ${git('rev-parse', '--short', baseline)}, added ${git('rev-parse', '--short', added)}, this tree ${git('rev-parse', '--short', 'HEAD')})`);
for (const mode of Object.keys(modes)) {
  console.log(`  ${mode.padEnd(6)} ${m[mode].toFixed(0).padStart(6)}   vs before ${m.before ? pct(m[mode], m.before).padStart(8) : '     n/a'}   vs off ${m.off ? pct(m[mode], m.off).padStart(8) : '     n/a'}`);
}
if (m.added && m.before) console.log('tracing off (added vs before):', pct(m.added, m.before));
for (const on of ['als', '0.1', '1.0']) if (m[on] && m.off) console.log(`${on === 'als' ? 'an AsyncLocalStorage alone' : `tracing on at ${on}`} (vs off):`, pct(m[on], m.off));

console.log('\nmedian CPU seconds per 1000 orders (the services\' own; the broker, the database and Jaeger not counted)');
const services = Object.keys(Object.values(cpu).find((runs) => runs.length)?.[0] ?? {});
console.log(`  ${'mode'.padEnd(6)} ${services.map((s) => s.padStart(18)).join('')}`);
for (const mode of Object.keys(modes)) {
  const row = services.map((s) => median(cpu[mode].map((r) => r[s] ?? 0)));
  const base = cpu.off?.length ? median(cpu.off.map((r) => r.all)) : undefined;
  const vsOff = base && mode !== 'off' ? `   all vs off ${pct(row[row.length - 1], base)}` : '';
  console.log(`  ${mode.padEnd(6)} ${row.map((v) => v.toFixed(3).padStart(18)).join('')}${vsOff}`);
}
