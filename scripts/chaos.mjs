// npm run test:chaos [-- --minutes 10] [--seed S] [--topology ha]: steady traffic under a seeded
// random schedule of faults (tests/faults/chaos.ts), then the reconciliation; the timeline goes to
// reports/chaos.md. --topology ha runs it on the HA topology (three nodes, a primary and its
// standby, started as npm run test:ha does) with the faults of those added.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import steps from './lib/steps.js';
import { withHaTopology } from './ha/topology.mjs';

const { root, say, prepare, withInfrastructure } = steps;
const { values, positionals } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' }, topology: { type: 'string', default: 'test' } }, allowPositionals: true, strict: false });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
const seed = values.seed ?? String(Date.now() % 2 ** 31);
if (!/^\d+$/.test(seed)) throw new Error('--seed must be a non-negative integer');
const { topology } = values;
if (!['test', 'ha'].includes(topology)) throw new Error('--topology must be test or ha');
const replay = `--minutes ${minutes} --seed ${seed}${topology === 'ha' ? ' --topology ha' : ''}`;

const runJest = () => {
  say(`running the chaos schedule: ${minutes} min, CHAOS_SEED=${seed}, ${topology} topology (replay with ${replay})`);
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  const env = { ...process.env, CHAOS_MINUTES: String(minutes), CHAOS_SEED: seed, CHAOS_TOPOLOGY: topology };
  return spawnSync(jest, ['-c', 'jest.chaos.config.js', ...positionals], { cwd: root, stdio: 'inherit', env });
};
const result =
  topology === 'ha'
    ? await withHaTopology(runJest)
    : withInfrastructure('test', () => {
        prepare({ profile: 'test', withSeed: false });
        return runJest();
      });

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const timeline = lines(path.join(root, 'reports', 'chaos-timeline.jsonl'));
const [run] = lines(path.join(root, 'reports', 'faults.jsonl')).filter((r) => r.scenario.startsWith('chaos')).slice(-1);
const out = path.join(root, 'reports', 'chaos.md');
writeFileSync(
  out,
  [
    `# Chaos run: ${minutes} min, CHAOS_SEED=${seed}, ${topology} topology`,
    '',
    `\`npm run test:chaos -- ${replay}\` on ${new Date().toISOString()}; jest exit code ${result.status}.`,
    '',
    run ? `Requests ${run.requests}, accepted ${run.accepted}, refused ${run.refused}; lost ${run.lost}, duplicated ${run.duplicated}, oversold ${run.oversold + run.stockMismatches}; confirmed ${run.confirmed}, rejected ${run.rejected}; service restarts ${run.restarts}.` : 'No reconciliation row: the run did not finish.',
    '',
    '| at s | fault | held s | healed in s | ready again after s |',
    '| ---: | --- | ---: | ---: | ---: |',
    ...timeline.map((e) => `| ${e.at} | ${e.fault}${e.detail ? ` (${e.detail})` : ''} | ${e.held} | ${e.heal ?? 0} | ${e.recovery} |`),
    '',
  ].join('\n'),
);
say(`timeline written to reports/chaos.md (${timeline.length} faults)`);
process.exit(result.status ?? 1);
