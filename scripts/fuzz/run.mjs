// npm run test:fuzz: schemathesis against the platform at length (tests/fuzz/long.fuzz.ts), on the
// tests' own broker node and database cluster; its figures end up in reports/fuzz.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from '../lib/steps.js';

const { root, say, prepare, run, withInfrastructure } = steps;
const figures = path.join(root, 'reports', 'fuzz.json');

const result = withInfrastructure('test', () => {
  prepare({ profile: 'test', withSeed: false });
  say('checking schemathesis (scripts/fuzz/schemathesis.sh)');
  run('bash', [path.join(root, 'scripts', 'fuzz', 'schemathesis.sh'), '--installed-version']);
  say('running the long schemathesis run');
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  return spawnSync(jest, ['-c', 'jest.fuzz.config.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
});

if (existsSync(figures)) say(`figures in reports/fuzz.json: ${readFileSync(figures, 'utf8').replace(/\s+/g, ' ')}`);
process.exit(result.status ?? 1);
