/**
 * The chart's services as real pods: a kubelet with containerd (scripts/cluster/node.sh) runs the images
 * built by scripts/cluster/images.sh, installed from the test-only overlay values-cluster-test.yaml.
 * Needs a running control plane (CLUSTER_STATE_DIR, see lib/real-node.ts); the suite starts the node,
 * builds and loads the images, creates the broker vhost and databases (scripts/cluster/pods-infra.sh)
 * and removes all of it afterwards (KEEP_NODE=1 leaves the node running).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { demoCustomerId, demoProductId } from '@shop/demo-data';
import { devIdentity } from '@shop/test-kit';
import {
  cgroupValue,
  chartDir,
  containerLog,
  containerPid,
  helmBin,
  kubectl,
  kubectlBin,
  kubectlJson,
  kubeletProbeMetrics,
  nodeScriptEnv,
  nodeName,
  overlay,
  procStatus,
  repoRoot,
  rootMountOptions,
  run,
  runAsync,
  runOk,
  sleep,
  waitFor,
} from './lib/real-node';

const NS = process.env.PODS_NAMESPACE ?? 'pods';
const RELEASE = 'pods';
const SERVICES = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'] as const;
const DB_SERVICES = ['order-management', 'customer-service', 'inventory-service'] as const;

const values = parse(readFileSync(overlay, 'utf8'));
const chartValues = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
const port = (svc: string): number => values.services[svc].port;
const gateway = `http://127.0.0.1:${port('api-gateway')}`;
const selector = (svc: string): string => `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/name=${svc}`;

type Pod = { metadata: { name: string; uid: string }; spec: any; status: any };
const podsOf = (svc: string): Pod[] => kubectlJson<{ items: Pod[] }>('-n', NS, 'get', 'pods', '-l', selector(svc)).items;
const isReady = (pod: Pod): boolean => pod.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Hook pods seen while `helm install` ran: helm deletes the Jobs once they succeeded (hook-succeeded). */
const hookPods = new Map<string, Pod>();

let token: string;
const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const placeOrder = async (quantity = 1): Promise<string> => {
  const r = await api('POST', '/v1/orders', { items: [{ productId: demoProductId(1 + (quantity % 50)), quantity }] });
  if (r.status !== 202) throw new Error(`POST /v1/orders answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.orderId as string;
};
const orderStatus = async (id: string): Promise<string> => {
  const r = await api('GET', `/v1/orders/${id}`);
  return r.status === 200 ? (r.body.status as string) : `HTTP ${r.status}`;
};

async function waitForRollout(svc: string, timeoutMs = 180_000): Promise<Pod> {
  return waitFor(`a Ready ${svc} pod`, () => podsOf(svc).find((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp && isReady(p)), timeoutMs, 1000);
}

/** Runs one of scripts/cluster/*.sh against this control plane, its output going to the test log. */
function nodeScript(name: string, ...args: string[]): void {
  const r = spawnSync('bash', [join(repoRoot, 'scripts/cluster', name), ...args], { cwd: repoRoot, env: nodeScriptEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/cluster/${name} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

beforeAll(async () => {
  // Cold (kubelet built, images built) this takes minutes; warm a few seconds.
  nodeScript('node.sh', 'start');
  nodeScript('images.sh');
  nodeScript('pods-infra.sh', 'up');

  // The overlay runs the gateway in its dev-only HS256 mode with the local runner's dev secret and issuer.
  expect(values.identity).toMatchObject({ issuer: devIdentity.issuer, devHs256: { enabled: true, secret: devIdentity.DEV_HS256_SECRET } });
  token = await devIdentity.signDevToken({ sub: demoCustomerId(1), role: 'customer', hs256: true });

  run(kubectlBin(), ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true']);
  kubectl('create', 'namespace', NS);
  // hostNetwork is a host namespace: this namespace cannot enforce the restricted level (the kwok release's does).
  kubectl('label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=privileged');

  const install = runAsync(helmBin(), ['install', RELEASE, chartDir, '-n', NS, '-f', overlay, '--timeout', '5m']);
  let finished = false;
  void install.then(() => (finished = true));
  while (!finished) {
    const pods = kubectlJson<{ items: Pod[] }>('-n', NS, 'get', 'pods', '-l', 'app.kubernetes.io/component in (migration,seed)').items;
    for (const pod of pods) hookPods.set(pod.metadata.name, pod);
    await sleep(300);
  }
  const result = await install;
  if (result.status !== 0) throw new Error(`helm install failed:\n${result.stdout}${result.stderr}`);
  for (const svc of SERVICES) await waitForRollout(svc);
}, 1_800_000);

afterAll(async () => {
  try {
    run(helmBin(), ['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '2m']);
    run(kubectlBin(), ['delete', 'namespace', NS, '--wait=true', '--timeout=120s']);
  } finally {
    nodeScript('pods-infra.sh', 'down');
    if (!process.env.KEEP_NODE) nodeScript('node.sh', 'stop');
  }
}, 400_000);

describe('the services as real pods on a kubelet', () => {
  it.each(SERVICES)('when the release is installed from the test overlay, then %s runs Ready on the real node after the kubelet called its probes', async (svc) => {
    const [pod] = podsOf(svc);
    expect(pod.spec.nodeName).toBe(nodeName());
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.status.phase).toBe('Running');
    expect(isReady(pod)).toBe(true);
    const [container] = pod.spec.containers;
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(container.ports[0].containerPort).toBe(port(svc));

    const metrics = await kubeletProbeMetrics();
    const count = (type: string): number => {
      const line = metrics.split('\n').find((l) => l.startsWith('prober_probe_total{') && l.includes(`pod="${pod.metadata.name}"`) && l.includes(`probe_type="${type}"`) && l.includes('result="successful"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    expect(count('Startup')).toBeGreaterThan(0);
    expect(count('Readiness')).toBeGreaterThan(0);
  });

  it.each(SERVICES)("when %s's container process is inspected, then it runs non-root, read-only, without capabilities, under seccomp and the chart's CPU and memory limits", (svc) => {
    const [pod] = podsOf(svc);
    const [container] = pod.spec.containers;
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });

    const pid = containerPid(pod.status.containerStatuses[0].containerID);
    const status = procStatus(pid);
    expect(status.Uid.split(/\s+/)).toEqual(['10001', '10001', '10001', '10001']);
    expect(status.Gid.split(/\s+/)[0]).toBe('10001');
    expect(status.CapEff).toBe('0000000000000000');
    expect(status.CapBnd).toBe('0000000000000000');
    expect(status.NoNewPrivs).toBe('1');
    expect(status.Seccomp).toBe('2'); // filter mode: the runtime's default profile is loaded
    expect(rootMountOptions(pid)).toContain('ro');
    const { cpu, memory } = chartValues.services[svc].resources.limits as { cpu: string; memory: string };
    expect(cgroupValue(pid, 'memory', 'memory.limit_in_bytes')).toBe(Number(memory.replace('Mi', '')) * 1024 * 1024);
    const cores = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
    expect(cgroupValue(pid, 'cpu', 'cpu.cfs_quota_us') / cgroupValue(pid, 'cpu', 'cpu.cfs_period_us')).toBeCloseTo(cores, 3);
  });

  it.each(DB_SERVICES)("when the release was installed, then %s's migration hook Job ran as a real pod that completed", async (svc) => {
    const pods = [...hookPods.values()].filter((p) => p.metadata.name.startsWith(`${RELEASE}-${svc}-migrate-`));
    expect(pods.length).toBeGreaterThan(0);
    const done = pods.find((p) => p.status.phase === 'Succeeded');
    expect(done).toBeDefined();
    expect(done!.spec.nodeName).toBe(nodeName());
    expect(done!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done!.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);

    const db = values.services[svc].database;
    const client = new Client({ host: '127.0.0.1', port: 5432, user: db.owner, password: db.password, database: db.name });
    await client.connect();
    try {
      // Every migration the service ships is recorded as applied in its database.
      const shipped = readdirSync(join(repoRoot, 'services', svc, 'src/data-access/migrations')).filter((f) => /^\d+-.*\.ts$/.test(f) && !f.endsWith('.test.ts'));
      const { rows } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(shipped.length).toBeGreaterThan(0);
      expect(rows[0].n).toBe(shipped.length);
    } finally {
      await client.end();
    }
  });

  it('when an order is placed through the gateway pod, then it ends CONFIRMED', async () => {
    const id = await placeOrder(2);
    const status = await waitFor('a final status', async () => {
      const s = await orderStatus(id);
      return s === 'PENDING' ? undefined : s;
    }, 30_000);
    expect(status).toBe('CONFIRMED');
  });

  it('when order-management is scaled to zero under load, then its pod drains on SIGTERM and every order still ends CONFIRMED or REJECTED', async () => {
    const [pod] = podsOf('order-management');
    const deployment = `${RELEASE}-order-management`;
    // Every state the kubelet reports for the pod until it is gone: the exit code shows how it stopped.
    const watch = runAsync(kubectlBin(), [
      '-n', NS, 'get', 'pod', pod.metadata.name, '--watch', '--request-timeout=90s',
      '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}/{.status.containerStatuses[0].state.terminated.reason}{"\\n"}',
    ]);
    let lastLog = '';
    const ids: string[] = [];
    let placing = true;
    const load = (async () => {
      while (placing) {
        ids.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => placeOrder(1 + i)))));
        await sleep(50);
      }
    })();
    await sleep(1000);
    kubectl('-n', NS, 'scale', 'deployment', deployment, '--replicas=0');
    await waitFor('the pod to be gone', () => {
      lastLog = containerLog(NS, pod.metadata.name, pod.metadata.uid, 'order-management') || lastLog;
      return !podsOf('order-management').some((p) => p.metadata.name === pod.metadata.name);
    }, 90_000, 100);
    await sleep(1000); // orders accepted while nobody consumes wait in the queue
    placing = false;
    await load;
    watch.stop();
    const states = (await watch).stdout.split('\n').filter(Boolean);

    expect(states).toContain('0/Completed'); // exited by itself after SIGTERM: no SIGKILL (137), no unhandled signal (143)
    const logLines = lastLog.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('{')));
    expect(logLines.some((l) => l.includes('"msg":"draining"') && l.includes('"signal":"SIGTERM"'))).toBe(true);
    expect(logLines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    kubectl('-n', NS, 'scale', 'deployment', deployment, '--replicas=1');
    await waitForRollout('order-management');
    expect(ids.length).toBeGreaterThan(20);
    const finals = await waitFor('every order to end', async () => {
      const all = await Promise.all(ids.map(orderStatus));
      return all.every((s) => s === 'CONFIRMED' || s === 'REJECTED') ? all : undefined;
    }, 120_000, 2000);
    expect(finals.filter((s) => s === 'CONFIRMED').length).toBeGreaterThan(0);
    expect(new Set(finals)).toEqual(new Set(finals.filter((s) => s === 'CONFIRMED' || s === 'REJECTED')));
  }, 300_000);
});

describe('a probe the service does not answer', () => {
  // A Deployment of the gateway rendered from a copy of the chart, as its own release with its own port
  // (host network: one port per process); `broken` swaps the readiness path for one nobody serves.
  const deployCopy = async (name: string, broken: boolean, gatewayPort: number): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'chart-copy-'));
    try {
      cpSync(chartDir, join(dir, 'chart'), { recursive: true });
      if (broken) {
        const file = join(dir, 'chart/templates/deployment.yaml');
        writeFileSync(file, readFileSync(file, 'utf8').replace('path: /readyz', 'path: /readyz-typo'));
      }
      const rendered = runOk(helmBin(), ['template', name, join(dir, 'chart'), '-n', NS, '-f', overlay, '--set', `services.api-gateway.port=${gatewayPort}`]);
      const wanted = (d: any): boolean =>
        (d.kind === 'Deployment' || d.kind === 'ConfigMap') ? d.metadata.name === `${name}-api-gateway` : d.kind === 'ServiceAccount' || (d.kind === 'Secret' && !d.metadata.name.includes('-db-'));
      const docs = parseAllDocuments(rendered).map((d) => d.toJSON()).filter((d) => d && wanted(d));
      // The gateway's Secrets: the broker's credentials, the order-id key and the dev token secret of this overlay.
      expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Secret', 'Secret', 'Secret', 'ServiceAccount']);
      runOk(kubectlBin(), ['-n', NS, 'apply', '-f', '-'], docs.map((d) => stringify(d)).join('---\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const removeCopy = (name: string): void => {
    run(kubectlBin(), ['-n', NS, 'delete', 'deployment,configmap,secret,serviceaccount', '-l', `app.kubernetes.io/instance=${name}`, '--wait=true', '--timeout=60s']);
  };
  const gatewayPods = (name: string): Pod[] =>
    kubectlJson<{ items: Pod[] }>('-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${name},app.kubernetes.io/name=api-gateway`).items;

  it('when the chart copy is unchanged, then its gateway pod becomes Ready (the control for the next test)', async () => {
    await deployCopy('probe-ok', false, port('api-gateway') + 10);
    try {
      await waitFor('the copy to be Ready', () => gatewayPods('probe-ok').some(isReady), 90_000, 1000);
    } finally {
      removeCopy('probe-ok');
    }
  }, 150_000);

  it('when the readiness probe path is wrong, then the kubelet never marks the pod Ready although it runs', async () => {
    await deployCopy('probe-broken', true, port('api-gateway') + 11);
    try {
      await waitFor('the container to run', () => gatewayPods('probe-broken').some((p) => p.status.containerStatuses?.[0]?.state?.running), 60_000, 1000);
      const started = Date.now();
      while (Date.now() - started < 30_000) {
        const pods = gatewayPods('probe-broken');
        expect(pods.some(isReady)).toBe(false);
        await sleep(2000);
      }
      const events = kubectlJson<{ items: any[] }>('-n', NS, 'get', 'events', '--field-selector', 'reason=Unhealthy').items;
      expect(events.some((e) => e.involvedObject.name.startsWith('probe-broken-') && /Readiness probe failed: HTTP probe failed with statuscode: 404/.test(e.message))).toBe(true);
    } finally {
      removeCopy('probe-broken');
    }
  }, 180_000);
});
