import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

// The layering rules of .dependency-cruiser.cjs, run by `npm run lint`: the repository passes them,
// and each rule catches the import it exists to forbid (in a throw-away tree of its own).
const root = path.resolve(__dirname, '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
// Plain text whatever the caller's terminal or FORCE_COLOR says.
const plain = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const output = (result: { stdout: string; stderr: string }) => stripVTControlCharacters(result.stdout + result.stderr);

describe('layering rules (dependency-cruiser)', () => {
  it('when the repository is checked, then no import breaks a layering rule', () => {
    const result = spawnSync(depcruise, ['libs/*/src', 'services/*/src', 'tools/*/src', '--config', '.dependency-cruiser.cjs'], { cwd: root, encoding: 'utf8', shell: true, env: plain });
    expect(output(result)).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it.each([
    ['services-never-import-each-other', 'services/a/src/app.ts', "import '../../b/src/domain/x';", 'services/b/src/domain/x.ts'],
    ['libs-never-import-services-or-tools', 'libs/platform/src/x.ts', "import '../../../services/a/src/app';", 'services/a/src/app.ts'],
    ['generic-libs-know-nothing-of-orders', 'libs/messaging/src/x.ts', "import '../../contracts/src/topology';", 'libs/contracts/src/topology.ts'],
    ['domain-does-no-io-of-its-own', 'services/a/src/domain/use-case.ts', "import '../data-access/repository';", 'services/a/src/data-access/repository.ts'],
    ['data-access-below-entry-points', 'services/a/src/data-access/repository.ts', "import '../entry-points/http/routes';", 'services/a/src/entry-points/http/routes.ts'],
    ['entry-points-do-not-reach-adapters', 'services/a/src/entry-points/http/routes.ts', "import '../../outbound/client';", 'services/a/src/outbound/client.ts'],
    ['only-main-starts-the-app', 'services/a/src/app.ts', "import './main';", 'services/a/src/main.ts'],
  ])('when %s is broken, then the check fails naming it', (rule, from, importLine, to) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layering-'));
    try {
      for (const file of [from, to]) mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(dir, to), 'export const x = 1;\n');
      writeFileSync(path.join(dir, from), `${importLine}\nexport const y = 1;\n`);
      // The repository's rules, without its TypeScript path mapping (the fixture uses relative imports).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const config = { ...require(path.join(root, '.dependency-cruiser.cjs')) };
      config.options = { ...config.options, tsConfig: undefined };
      writeFileSync(path.join(dir, 'rules.cjs'), `module.exports = ${JSON.stringify(config)};\n`);

      const tops = [...new Set([from, to].map((file) => file.split('/')[0]))];
      const result = spawnSync(depcruise, [...tops, '--config', 'rules.cjs'], { cwd: dir, encoding: 'utf8', env: plain });

      expect(output(result)).toContain(`error ${rule}:`);
      expect(result.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
