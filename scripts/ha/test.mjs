// npm run test:ha: the fault scenarios of the HA topology (tests/ha) on the nodes and clusters of
// npm run ha, which this starts (and stops again unless KEEP_INFRA=1); then reports/ha.md.
//   npm run test:ha -- -t 'rolling restart'      one scenario (jest's own filter)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import steps from '../lib/steps.js';
import { withHaTopology } from './topology.mjs';

const { root, say } = steps;
const report = path.join(root, 'reports', 'ha.jsonl');

const result = await withHaTopology(() => {
  rmSync(report, { force: true });
  say('running the HA fault scenarios');
  return spawnSync(path.join(root, 'node_modules', '.bin', 'jest'), ['-c', 'jest.ha.config.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
});

const rows = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const cell = (v) => (v === null || v === undefined ? '–' : String(v));
const table = [
  '| scenario | requests | accepted | refused | unknown | lost | duplicated | oversold | confirmed | rejected | recovery s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.scenario} | ${r.requests} | ${r.accepted} | ${r.refused} | ${r.unknown} | ${r.lost} | ${r.duplicated} | ${r.oversold + r.stockMismatches} | ${r.confirmed} | ${r.rejected} | ${cell(r.recoverySeconds)} |`),
].join('\n');
writeFileSync(
  path.join(root, 'reports', 'ha.md'),
  `# HA fault scenarios\n\nProduced by \`npm run test:ha\` on ${new Date().toISOString()} (${os.cpus().length} cores, Node ${process.version}); ` +
    `jest exit code ${result.status}.\n\n${table}\n`,
);
say(`results written to reports/ha.md (${rows.length} scenarios)`);
process.exit(result.status ?? 1);
