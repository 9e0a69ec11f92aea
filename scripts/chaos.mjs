// npm run test:chaos [-- --minutes 10] [--seed S]: steady traffic under a seeded random schedule of
// faults (tests/faults/chaos.ts), then the reconciliation; the timeline goes to reports/chaos.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import steps from './lib/steps.js';

const { root, say, prepare, withInfrastructure } = steps;
const { values, positionals } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' } }, allowPositionals: true, strict: false });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
const seed = values.seed ?? String(Date.now() % 2 ** 31);
if (!/^\d+$/.test(seed)) throw new Error('--seed must be a non-negative integer');

const result = withInfrastructure('test', () => {
  prepare({ profile: 'test', withSeed: false });
  say(`running the chaos schedule: ${minutes} min, CHAOS_SEED=${seed} (replay with --seed ${seed})`);
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  return spawnSync(jest, ['-c', 'jest.chaos.config.js', ...positionals], { cwd: root, stdio: 'inherit', env: { ...process.env, CHAOS_MINUTES: String(minutes), CHAOS_SEED: seed } });
});

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const timeline = lines(path.join(root, 'reports', 'chaos-timeline.jsonl'));
const [run] = lines(path.join(root, 'reports', 'faults.jsonl')).filter((r) => r.scenario.startsWith('chaos')).slice(-1);
const out = path.join(root, 'reports', 'chaos.md');
writeFileSync(
  out,
  [
    `# Chaos run: ${minutes} min, CHAOS_SEED=${seed}`,
    '',
    `\`npm run test:chaos -- --minutes ${minutes} --seed ${seed}\` on ${new Date().toISOString()}; jest exit code ${result.status}.`,
    '',
    run ? `Requests ${run.requests}, accepted ${run.accepted}, refused ${run.refused}; lost ${run.lost}, duplicated ${run.duplicated}, oversold ${run.oversold + run.stockMismatches}; confirmed ${run.confirmed}, rejected ${run.rejected}; service restarts ${run.restarts}.` : 'No reconciliation row: the run did not finish.',
    '',
    '| at s | fault | held s | ready again after s |',
    '| ---: | --- | ---: | ---: |',
    ...timeline.map((e) => `| ${e.at} | ${e.fault} | ${e.held} | ${e.recovery} |`),
    '',
  ].join('\n'),
);
say(`timeline written to reports/chaos.md (${timeline.length} faults)`);
process.exit(result.status ?? 1);
