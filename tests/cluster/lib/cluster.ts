import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The control plane scripts/cluster/up.sh started; run.mjs passes its state directory. */
export const repoRoot = resolve(__dirname, '../../..');
export const chartDir = join(repoRoot, 'charts/order-platform');
export const kwokValues = join(repoRoot, 'tests/cluster/values/kwok.yaml');

function readEnv(): Record<string, string> {
  const dir = process.env.CLUSTER_STATE_DIR;
  if (!dir) throw new Error('CLUSTER_STATE_DIR is not set: run the cluster tests with `npm run test:cluster`');
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}
export const clusterEnv = readEnv();

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function exec(cmd: string, args: string[], input?: string, timeoutMs = 600_000): Result {
  const r = spawnSync(cmd, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, KUBECONFIG: clusterEnv.KUBECONFIG, HELM_CACHE_HOME: join(clusterEnv.STATE_DIR, 'helm/cache'), HELM_CONFIG_HOME: join(clusterEnv.STATE_DIR, 'helm/config'), HELM_DATA_HOME: join(clusterEnv.STATE_DIR, 'helm/data') },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export const kubectlBin = join(clusterEnv.KUBE_BIN, 'kubectl');
const helmPath = process.env.HELM ?? join(spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout.trim(), 'bin/helm');

export const kubectlRaw = (args: string[], input?: string): Result => exec(kubectlBin, args, input);
export function kubectl(args: string[], input?: string): string {
  const r = exec(kubectlBin, args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
export const kubectlJson = (args: string[]): any => JSON.parse(kubectl([...args, '-o', 'json']));
export const helmRaw = (args: string[], timeoutMs?: number): Result => exec(helmPath, args, undefined, timeoutMs);
export function helm(args: string[]): string {
  const r = exec(helmPath, args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until check returns a value other than undefined/false, or throws with the last state. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000}s (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}

/**
 * CloudNativePG and the RabbitMQ topology operator do not run here, so the Secrets they would
 * generate (database and broker credentials the Deployments read) are stood in with placeholder
 * values; KEDA resolves the scale target's env from them and refuses the ScaledObject without.
 */
export function standInOperatorSecrets(namespace: string, release: string, chart: string, valuesArgs: string[]): void {
  const rendered = helmRaw(['template', release, chart, '--namespace', namespace, '--kube-version', kubeVersion(), ...valuesArgs]);
  if (rendered.status !== 0) throw new Error(rendered.stderr);
  const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJS()).filter(Boolean);
  const renderedSecrets = new Set(docs.filter((d: any) => d.kind === 'Secret').map((d: any) => d.metadata.name));
  const wanted = new Map<string, Set<string>>();
  for (const d of docs) {
    const pod = d.spec?.template?.spec;
    if (!pod) continue;
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])])
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !renderedSecrets.has(ref.name)) wanted.set(ref.name, (wanted.get(ref.name) ?? new Set()).add(ref.key));
      }
  }
  for (const [name, keys] of wanted) {
    const data = Object.fromEntries([...keys].map((k) => [k, 'stand-in-for-the-operator']));
    kubectl(['apply', '--server-side', '--field-manager', 'cluster-test', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: { 'cluster-test.order-platform/stand-in': 'true' } }, stringData: data,
    }));
  }
}

/** A namespace where the restricted Pod Security Standard is enforced, as the chart's docs require. */
export function restrictedNamespace(name: string): void {
  kubectl(['apply', '--server-side', '--field-manager', 'cluster-test', '-f', '-'], JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  }));
}

/**
 * Every object the release would create (hooks too), sent to the API server with server-side dry
 * run and strict field validation: an unknown or duplicate field, or a value a CRD's schema or CEL
 * rule refuses, fails here. Helm itself validates only against the OpenAPI schema it downloads.
 */
export function strictDryRun(release: string, namespace: string, chart: string, valuesArgs: string[]): Result {
  const rendered = helmRaw(['template', release, chart, '--namespace', namespace, '--kube-version', kubeVersion(), ...valuesArgs]);
  if (rendered.status !== 0) return rendered;
  return exec(kubectlBin, ['apply', '--dry-run=server', '--validate=strict', '--server-side', '--field-manager', 'cluster-test', '-n', namespace, '-f', '-'], rendered.stdout);
}

/** The operators' CRDs (and schemas), fetched and cached by scripts/k8s/operator-crds.sh. */
export const operatorsDir = (): string => exec('bash', [join(repoRoot, 'scripts/k8s/operator-crds.sh')]).stdout.trim();

let version: string | undefined;
export function kubeVersion(): string {
  version ??= JSON.parse(kubectl(['version', '-o', 'json'])).serverVersion.gitVersion as string;
  return version;
}

/** A copy of the chart to break on purpose; removed with its directory by cleanup(). */
export function chartCopy(edit: (read: (file: string) => string, write: (file: string, text: string) => void) => void): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'chart-'));
  const dir = join(root, 'order-platform');
  cpSync(chartDir, dir, { recursive: true });
  edit(
    (file) => readFileSync(join(dir, file), 'utf8'),
    (file, text) => writeFileSync(join(dir, file), text),
  );
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Watches Jobs in a namespace and records, in arrival order, "ADDED name" and "SUCCEEDED name"/"FAILED name". */
export function watchJobs(namespace: string): { events: string[]; stop(): Promise<void> } {
  const events: string[] = [];
  const child = spawn(kubectlBin, ['get', 'jobs', '-n', namespace, '--watch', '--output-watch-events', '-o',
    'go-template={{.type}}|{{.object.metadata.name}}|{{.object.status.succeeded}}|{{.object.status.failed}}{{"\\n"}}'],
    { env: { ...process.env, KUBECONFIG: clusterEnv.KUBECONFIG }, stdio: ['ignore', 'pipe', 'ignore'] });
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [type, name, succeeded, failed] = line.split('|');
      if (type === 'ADDED' && !events.includes(`ADDED ${name}`)) events.push(`ADDED ${name}`);
      if (Number(succeeded) > 0 && !events.includes(`SUCCEEDED ${name}`)) events.push(`SUCCEEDED ${name}`);
      if (Number(failed) > 0 && !events.includes(`FAILED ${name}`)) events.push(`FAILED ${name}`);
    }
  });
  // helm runs through spawnSync, which blocks the event loop: what the watch printed meanwhile waits
  // in the pipe and is read only once the loop turns again, so stop() lets it drain first.
  return {
    events,
    stop: async () => {
      await sleep(1500);
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await closed;
    },
  };
}
