import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The real node (scripts/cluster/node.sh) beside a control plane. CLUSTER_STATE_DIR is the control
 * plane's state directory (scripts/cluster/up.sh writes its `env` there: KUBECONFIG, KUBE_BIN); the
 * node keeps its own state in its `node/` folder. CLUSTER_KUBECONFIG and KUBECTL override the env file.
 */
export const repoRoot = resolve(__dirname, '../../..');
export const chartDir = join(repoRoot, 'charts/order-platform');
export const overlay = join(chartDir, 'values-cluster-test.yaml');

const clusterStateDir = (): string => {
  const dir = process.env.CLUSTER_STATE_DIR;
  if (!dir) throw new Error('CLUSTER_STATE_DIR is not set: run the cluster tests with `npm run test:cluster` or scripts/cluster/pods.sh');
  return dir;
};
const envFile = (): Record<string, string> => {
  const env: Record<string, string> = {};
  if (!existsSync(join(clusterStateDir(), 'env'))) return env;
  for (const line of readFileSync(join(clusterStateDir(), 'env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
};

export const kubeconfig = (): string => {
  const path = process.env.CLUSTER_KUBECONFIG ?? envFile().KUBECONFIG;
  if (!path) throw new Error(`no kubeconfig: set CLUSTER_KUBECONFIG or write KUBECONFIG= into ${clusterStateDir()}/env`);
  return path;
};
export const stateDir = (): string => join(clusterStateDir(), 'node');
export const nodeName = (): string => process.env.NODE_NAME ?? 'real-node';
export const kubeletPort = (): number => Number(process.env.KUBELET_PORT ?? 27250);
const cache = (): string => process.env.CLUSTER_CACHE_DIR ?? join(homedir(), '.cache/order-platform/cluster');
export const kubectlBin = (): string =>
  process.env.KUBECTL ?? (envFile().KUBE_BIN ? join(envFile().KUBE_BIN, 'kubectl') : join(cache(), 'bin/kubernetes-v1.34.4/kubectl'));
export const helmBin = (): string =>
  process.env.HELM ?? join(spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout.trim(), 'bin', 'helm');

/** The environment the node scripts get: the kubeconfig and kubectl resolved as above. */
export const nodeScriptEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CLUSTER_KUBECONFIG: kubeconfig(), KUBECTL: kubectlBin() });

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): Result {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KUBECONFIG: kubeconfig() } });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function runOk(cmd: string, args: string[], input?: string): string {
  const r = run(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Runs a command in the background: a promise of its result, with `stop()` to end it early. */
export function runAsync(cmd: string, args: string[]): Promise<Result> & { stop: () => void } {
  const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kubeconfig() } });
  const done = new Promise<Result>((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ status: code ?? 1, stdout, stderr }));
  });
  return Object.assign(done, { stop: () => void child.kill('SIGTERM') });
}

export const kubectl = (...args: string[]): string => runOk(kubectlBin(), args);
export const kubectlJson = <T = any>(...args: string[]): T => JSON.parse(kubectl(...args, '-o', 'json')) as T;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await sleep(everyMs);
  }
}

/** The PID (in this machine's PID namespace) of a running container, from the node's own containerd. */
export function containerPid(containerId: string): number {
  const id = containerId.replace(/^containerd:\/\//, '');
  const out = runOk('ctr', ['--address', join(stateDir(), 'containerd/containerd.sock'), '--namespace', 'k8s.io', 'tasks', 'ls']);
  const line = out.split('\n').find((l) => l.startsWith(`${id} `));
  if (!line) throw new Error(`no running task ${id} in the node's containerd:\n${out}`);
  return Number(line.trim().split(/\s+/)[1]);
}

export function procStatus(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/** Mount options of the container's "/" as its process sees them (mountinfo field 6). */
export function rootMountOptions(pid: number): string[] {
  const line = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[4] === '/');
  if (!line) throw new Error(`no / in /proc/${pid}/mountinfo`);
  return line.split(' ')[5].split(',');
}

/** A value from the process's cgroup v1 hierarchy of one controller (the kubelet uses the cgroupfs driver). */
export function cgroupValue(pid: number, controller: string, file: string): number {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1].split(',').includes(controller));
  if (!line) throw new Error(`no ${controller} cgroup for ${pid}`);
  return Number(readFileSync(`/sys/fs/cgroup/${controller}${line.split(':')[2]}/${file}`, 'utf8').trim());
}

/** The kubelet's own prober counters (its /metrics/probes), i.e. what the kubelet itself called. */
export function kubeletProbeMetrics(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: '127.0.0.1', port: kubeletPort(), path: '/metrics/probes', rejectUnauthorized: false, timeout: 5000 },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolvePromise(body) : reject(new Error(`kubelet /metrics/probes: ${res.statusCode} ${body}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A container's log as the kubelet writes it (CRI format), read from the node's pod log directory. */
export function containerLog(namespace: string, pod: string, uid: string, container: string): string {
  const dir = join(stateDir(), 'pod-logs', `${namespace}_${pod}_${uid}`, container);
  try {
    return readFileSync(join(dir, '0.log'), 'utf8');
  } catch {
    return '';
  }
}
