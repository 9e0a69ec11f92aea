// npm run test:faults: every fault scenario under load, then the results table in reports/faults.md.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import steps from './lib/steps.js';

const { root, say, prepare, withInfrastructure } = steps;
const report = path.join(root, 'reports', 'faults.jsonl');

const result = withInfrastructure('test', () => {
  prepare({ profile: 'test', withSeed: false });
  rmSync(report, { force: true });
  say('running the fault suite');
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  return spawnSync(jest, ['-c', 'jest.faults.config.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
});

const rows = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const cell = (v) => (v === null || v === undefined ? '–' : String(v));
const table = [
  '| scenario | requests | accepted | refused | lost | duplicated | oversold | confirmed | rejected | restarts | recovery s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) =>
    `| ${r.scenario} | ${r.requests} | ${r.accepted} | ${r.refused} | ${r.lost} | ${r.duplicated} | ${r.oversold + r.stockMismatches} | ${r.confirmed} | ${r.rejected} | ${r.restarts} | ${cell(r.recoverySeconds)} |`,
  ),
].join('\n');
const out = path.join(root, 'reports', 'faults.md');
writeFileSync(
  out,
  `# Fault suite results\n\nProduced by \`npm run test:faults\` on ${new Date().toISOString()} ` +
    `(${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}); ` +
    `jest exit code ${result.status}.\n\n${table}\n`,
);
say(`results written to reports/faults.md (${rows.length} scenarios)`);
process.exit(result.status ?? 1);
