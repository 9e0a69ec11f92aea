import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VALUE_SETS, chartDir, helmBin, kubeconform, renderedDocs, repoRoot, run } from './lib/render';

// Tools come from `bash scripts/k8s/tools.sh`, which the test runner calls before Jest.

describe('helm chart', () => {
  it.each([[[]], [['-f', join(chartDir, 'values-dev.yaml')]], [['-f', join(chartDir, 'values-prod.yaml')]]])(
    'when linted strictly with %j, then helm reports no problem',
    (args) => {
      const r = run(helmBin(), ['lint', '--strict', chartDir, ...args]);
      expect(r.output).toContain('0 chart(s) failed');
      expect(r.status).toBe(0);
    },
  );

  it.each(Object.keys(VALUE_SETS))('when rendered with the %s values, then every object passes strict schema validation', (set) => {
    const docs = renderedDocs(set);
    const r = kubeconform(docs);
    expect(r.output).toMatch(new RegExp(`${docs.length} resources found.*Invalid: 0, Errors: 0, Skipped: 0`));
    expect(r.status).toBe(0);
  });

  it('when an object carries a field its schema does not know, then validation fails', () => {
    const docs = renderedDocs('dev');
    const so = docs.find((d) => d.kind === 'ScaledObject')!;
    so.spec.triggers[0].queueLenght = '5';
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    deployment.spec.template.spec.containers[0].livenessProbes = {};
    const r = kubeconform(docs);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("additional properties 'queueLenght' not allowed");
    expect(r.output).toContain("additional properties 'livenessProbes' not allowed");
  });

  it('when an object has a kind no schema describes, then validation fails instead of skipping it', () => {
    const r = kubeconform([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('could not find schema for Widget');
  });

  it.each([
    ['image.tag=latest', "'/image/tag'"],
    ['rabbitmq.image=rabbitmq:latest', "'/rabbitmq/image'"],
    ['keda.minReplicaCount=0', "'/keda/minReplicaCount'"],
    ['services.api-gateway.replicass=2', "additional properties 'replicass' not allowed"],
  ])('when values set %s, then values.schema.json rejects them', (set, message) => {
    const r = run(helmBin(), ['template', 'x', chartDir, '--set', set]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(message);
  });

  // Paths of non-empty values under keys that name a credential (existingSecret only names a Secret).
  const secretValues = (file: string): string[] => {
    const found: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
      else if (typeof node === 'string' && node && /(password|secret|token|apikey)$/i.test(path) && !path.endsWith('existingSecret')) found.push(path);
    };
    walk(parse(readFileSync(join(chartDir, file), 'utf8')), '');
    return found;
  };

  it.each(['values.yaml', 'values-prod.yaml'])('when %s is read, then it holds no secret value', (file) => {
    expect(secretValues(file)).toEqual([]);
  });

  it('when the dev values are read, then their fixed development credentials are found', () => {
    expect(secretValues('values-dev.yaml')).toEqual([
      '.services.customer-service.database.password',
      '.services.inventory-service.database.password',
      '.identity.devHs256.secret',
      '.orderIds.secret',
    ]);
  });

  it('when the standalone validation script runs, then it lints, renders, validates and checks skaffold.yaml', () => {
    const r = run('bash', [join(repoRoot, 'scripts/k8s/validate.sh')]);
    expect(r.output).toContain('helm lint --strict: ok');
    expect(r.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(r.output).toContain('skaffold.yaml: ok');
    expect(r.status).toBe(0);
  });
});
