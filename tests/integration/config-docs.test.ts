import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commonEnvSchema, databaseEnvSchema } from '@shop/platform';

const root = path.resolve(__dirname, '../..');
const services = ['api-gateway', 'customer-service', 'inventory-service', 'order-management'];

/** The keys a service's config.ts declares in its joi schema: `  KEY: Joi.…`. */
const declaredIn = (service: string): string[] =>
  [...readFileSync(path.join(root, 'services', service, 'src', 'config.ts'), 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+): Joi\b/gm)].map((m) => m[1]);

/** The README's configuration table, with `RABBITMQ_HOST/PORT/...` spelt out as full names. */
function documented(): Set<string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Repository'));
  const names = new Set<string>();
  for (const [, code] of section.matchAll(/`([A-Z][A-Z0-9_/]+)`/g)) {
    const [first, ...rest] = code.split('/');
    names.add(first);
    const prefix = first.slice(0, first.indexOf('_') + 1);
    for (const part of rest) names.add(part.includes('_') ? part : `${prefix}${part}`);
  }
  return names;
}

describe('the README configuration table', () => {
  it('when the services read a variable, then the table names it', () => {
    const read = new Set([...Object.keys(commonEnvSchema), ...Object.keys(databaseEnvSchema), ...services.flatMap(declaredIn)]);
    const table = documented();

    expect(read.size).toBeGreaterThan(30);
    expect([...read].filter((name) => !table.has(name)).sort()).toEqual([]);
  });
});
