// npm run test:isolation: runs the whole `npm test` while `npm start` serves the development platform
// (started here unless one already runs) and checks that the platform was not disturbed
// (tests/isolation). Results: reports/isolation-results.json, and npm test's own reports/jest-results.json.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import steps from './lib/steps.js';

const { root, say, ensureDependencies, build } = steps;

ensureDependencies();
build();
mkdirSync(path.join(root, 'reports'), { recursive: true });
say('running npm test beside npm start');
const jest = path.join(root, 'node_modules', '.bin', 'jest');
const args = ['-c', 'jest.isolation.config.js', '--json', '--outputFile=reports/isolation-results.json', ...process.argv.slice(2)];
process.exit(spawnSync(jest, args, { cwd: root, stdio: 'inherit' }).status ?? 1);
