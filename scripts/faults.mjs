// npm run test:faults [-- --only <scenario>] [--repeat N] [--rate R] [jest args]: every fault
// scenario under load (or those whose id or name contains <scenario>, N times each, at R orders a
// second), then the results table in reports/faults.md, one row per run.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import steps from './lib/steps.js';

const { root, say, prepare, withInfrastructure } = steps;
const report = path.join(root, 'reports', 'faults.jsonl');

/** Takes our options out of argv (as `--name value` or `--name=value`); the rest goes to jest. */
function parseArgs(argv) {
  const ours = { only: undefined, repeat: 1, rate: undefined };
  const jestArgs = [];
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !Object.hasOwn(ours, name)) {
      jestArgs.push(argv[i]);
      continue;
    }
    const value = inline ?? argv[(i += 1)];
    if (value === undefined || value === '') throw new Error(`${flag} needs a value`);
    ours[name] = value;
  }
  const repeat = Number(ours.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a whole number of runs, not ${ours.repeat}`);
  if (ours.rate !== undefined && !(Number(ours.rate) > 0)) throw new Error(`--rate must be orders per second above 0, not ${ours.rate}`);
  return { ...ours, repeat, jestArgs };
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err.message}\nusage: npm run test:faults -- [--only <id or name part>] [--repeat N] [--rate <orders/s>] [jest args]\n`);
  process.exit(2);
}
const env = {
  ...process.env,
  FAULTS_REPEAT: String(options.repeat),
  ...(options.only !== undefined ? { FAULTS_ONLY: options.only } : {}),
  ...(options.rate !== undefined ? { FAULTS_RATE: options.rate } : {}),
};

const result = withInfrastructure('test', () => {
  prepare({ profile: 'test', withSeed: false });
  rmSync(report, { force: true });
  rmSync(path.join(root, 'reports', 'faults-output'), { recursive: true, force: true });
  say('running the fault suite');
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  return spawnSync(jest, ['-c', 'jest.faults.config.js', ...options.jestArgs], { cwd: root, stdio: 'inherit', env });
});

const rows = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const cell = (v) => (v === null || v === undefined ? '–' : String(v));
const runLabel = (r) => (r.runs > 1 ? ` (run ${r.run}/${r.runs})` : '');
const table = [
  '| scenario | rate /s | requests | accepted | refused | unknown | lost | duplicated | oversold | confirmed | rejected | restarts | recovery s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) =>
    `| ${r.scenario}${runLabel(r)} | ${cell(r.rate)} | ${r.requests} | ${r.accepted} | ${r.refused} | ${r.unknown} | ${r.lost} | ${r.duplicated} | ${r.oversold + r.stockMismatches} | ${r.confirmed} | ${r.rejected} | ${r.restarts} | ${cell(r.recoverySeconds)} |`,
  ),
].join('\n');

// Repeated runs: one line per scenario with the sums, the figures a loop is run for.
const byScenario = new Map();
for (const r of rows) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
const sum = (list, pick) => list.reduce((total, r) => total + pick(r), 0);
const totals = [...byScenario].filter(([, list]) => list.length > 1);
const totalsTable = totals.length === 0 ? '' : [
  '\n## Totals over the repeated runs\n',
  '| scenario | runs | requests | accepted | refused | unknown | lost | duplicated | oversold |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...totals.map(([scenario, list]) =>
    `| ${scenario} | ${list.length} | ${sum(list, (r) => r.requests)} | ${sum(list, (r) => r.accepted)} | ${sum(list, (r) => r.refused)} | ${sum(list, (r) => r.unknown)} | ${sum(list, (r) => r.lost)} | ${sum(list, (r) => r.duplicated)} | ${sum(list, (r) => r.oversold + r.stockMismatches)} |`,
  ),
  '',
].join('\n');

const command = ['npm run test:faults', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const out = path.join(root, 'reports', 'faults.md');
writeFileSync(
  out,
  `# Fault suite results\n\nProduced by \`${command}\` on ${new Date().toISOString()} ` +
    `(${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}); ` +
    `jest exit code ${result.status}.\n\n${table}\n${totalsTable}`,
);
say(`results written to reports/faults.md (${rows.length} runs)`);
process.exit(result.status ?? 1);
