import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

/** A rendered Kubernetes object; the checks read it loosely, as the API server would accept it. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; [k: string]: any };

export const repoRoot = resolve(__dirname, '../../..');
export const chartDir = join(repoRoot, 'charts/order-platform');
export const RELEASE = 'order-platform';
export const NAMESPACE = 'order-platform';
export const KUBE_VERSION = '1.35.0';

const goBin = (): string => join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin');
export const helmBin = (): string => process.env.HELM ?? join(goBin(), 'helm');

/** The values sets the chart ships with; validate.sh renders the same ones. */
export const VALUE_SETS: Record<string, string[]> = {
  default: [],
  dev: ['-f', join(chartDir, 'values-dev.yaml')],
  prod: ['-f', join(chartDir, 'values-prod.yaml')],
  'dev-no-keda-no-monitoring': ['-f', join(chartDir, 'values-dev.yaml'), '--set', 'keda.enabled=false,monitoring.enabled=false'],
};

export interface CommandResult {
  status: number;
  output: string;
}

/** The operators' CRDs and schemas, fetched and cached by scripts/k8s/operator-crds.sh (see env.sh). */
export function operatorsDir(): string {
  return execFileSync('bash', [join(repoRoot, 'scripts/k8s/operator-crds.sh')], { encoding: 'utf8' }).trim();
}

export function run(cmd: string, args: string[], input?: string): CommandResult {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export function helmTemplate(args: string[]): string {
  const r = run(helmBin(), ['template', RELEASE, chartDir, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, ...args]);
  if (r.status !== 0) throw new Error(`helm template ${args.join(' ')} failed:\n${r.output}`);
  return r.output;
}

export function parseDocs(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((d): d is K8sObject => d !== null && typeof d === 'object');
}

const cache = new Map<string, K8sObject[]>();
/** Rendered objects of one of VALUE_SETS, cached per test file. Tests get a deep copy to mutate. */
export function renderedDocs(set: keyof typeof VALUE_SETS | string, extraArgs: string[] = []): K8sObject[] {
  const key = [set, ...extraArgs].join(' ');
  if (!cache.has(key)) cache.set(key, parseDocs(helmTemplate([...(VALUE_SETS[set] ?? []), ...extraArgs])));
  return structuredClone(cache.get(key)!);
}

/** Runs scripts/k8s/kubeconform.sh (strict, core + operator schemas) over the given objects. */
export function kubeconform(docs: K8sObject[]): CommandResult {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconform-'));
  try {
    const file = join(dir, 'manifests.yaml');
    writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
    return run('bash', [join(repoRoot, 'scripts/k8s/kubeconform.sh'), file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const byKind = (docs: K8sObject[], kind: string): K8sObject[] => docs.filter((d) => d.kind === kind);
export const find = (docs: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);
