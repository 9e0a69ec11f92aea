import { join } from 'node:path';
import {
  chartCopy,
  chartDir,
  eventually,
  helm,
  helmRaw,
  kubectl,
  kubectlJson,
  kwokValues,
  operatorsDir,
  restrictedNamespace,
  standInOperatorSecrets,
  strictDryRun,
  watchJobs,
} from './lib/cluster';

// The chart on a real control plane (etcd, kube-apiserver, controller-manager, scheduler; kwok's
// fake nodes run no containers): admitted under the restricted Pod Security level with strict field
// validation, reconciled by the controllers, upgraded and rolled back.
const RELEASE = 'order-platform';
const NS = 'order-platform';
const SERVICES = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];
const MIGRATED = ['order-management', 'customer-service', 'inventory-service'];
const SEEDED = ['customer-service', 'inventory-service'];
const testValues = ['-f', kwokValues];
const install = (release: string, ns: string, chart: string, args: string[], timeout = '180s') => {
  standInOperatorSecrets(ns, release, chart, args);
  return helmRaw(['install', release, chart, '--namespace', ns, '--wait', '--wait-for-jobs', '--timeout', timeout, ...args]);
};

/** Hook Jobs must all be SUCCEEDED before the first Job of a later weight is created. */
function expectHookOrder(events: string[], first: string[], then: string[]) {
  const at = (e: string) => events.indexOf(e);
  for (const done of first) expect(at(`SUCCEEDED ${done}`)).toBeGreaterThanOrEqual(0);
  for (const next of then) expect(at(`ADDED ${next}`)).toBeGreaterThanOrEqual(0);
  const lastDone = Math.max(...first.map((j) => at(`SUCCEEDED ${j}`)));
  const firstNext = Math.min(...then.map((j) => at(`ADDED ${j}`)));
  expect(lastDone).toBeLessThan(firstNext);
}

function deployment(ns: string, name: string) {
  return kubectlJson(['get', 'deployment', '-n', ns, name]);
}

/** What the controllers made of a Deployment: its ReplicaSet, pods on kwok nodes, ready endpoints. */
function reconciled(ns: string, service: string, replicas: number) {
  const name = `${RELEASE}-${service}`;
  const d = deployment(ns, name);
  const rs = kubectlJson(['get', 'replicasets', '-n', ns, '-l', `app.kubernetes.io/name=${service},app.kubernetes.io/instance=${RELEASE}`]).items
    .filter((r: any) => r.metadata.ownerReferences?.some((o: any) => o.kind === 'Deployment' && o.name === name) && r.spec.replicas > 0);
  const pods = kubectlJson(['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/name=${service},app.kubernetes.io/instance=${RELEASE}`]).items
    .filter((p: any) => !p.metadata.deletionTimestamp);
  const slices = kubectlJson(['get', 'endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${name}`]).items;
  const readyIps = slices.flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses)).sort();
  return {
    deploymentReady: d.status.readyReplicas ?? 0,
    replicaSets: rs.map((r: any) => ({ replicas: r.spec.replicas, ready: r.status.readyReplicas ?? 0 })),
    pods: pods.length,
    onKwokNodes: pods.filter((p: any) => /^kwok-node-\d$/.test(p.spec.nodeName ?? '') && p.status.phase === 'Running').length,
    endpointsMatchPods: JSON.stringify(readyIps) === JSON.stringify(pods.map((p: any) => p.status.podIP).sort()),
    want: replicas,
  };
}

beforeAll(() => {
  kubectl(['apply', '--server-side', '--field-manager', 'cluster-test', '-R', '-f', join(operatorsDir(), 'crds')]);
  kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  restrictedNamespace(NS);
});

describe('the chart on a control plane', () => {
  it('when every object of the release (hooks too) is sent with strict field validation, then the API server admits it', () => {
    const r = strictDryRun(RELEASE, NS, chartDir, testValues);
    expect(r.stderr).not.toMatch(/error|unknown field|Invalid/i);
    expect(r.status).toBe(0);
    // Every kind the chart renders reached the server, operator kinds included.
    for (const kind of ['deployment.apps', 'scaledobject.keda.sh', 'cluster.postgresql.cnpg.io', 'rabbitmqcluster.rabbitmq.com', 'servicemonitor.monitoring.coreos.com', 'job.batch'])
      expect(r.stdout).toContain(kind);
  });

  it('when installed with --wait in a restricted namespace, then the controllers run every service on the kwok nodes, then the migrations, then the seeds', async () => {
    const jobs = watchJobs(NS);
    try {
      const r = install(RELEASE, NS, chartDir, testValues);
      expect(r.stderr + r.stdout).not.toMatch(/Error/);
      expect(r.status).toBe(0);
    } finally {
      await jobs.stop();
    }
    expectHookOrder(jobs.events, MIGRATED.map((s) => `${RELEASE}-${s}-migrate`), SEEDED.map((s) => `${RELEASE}-${s}-seed`));
    expect(jobs.events.filter((e) => e.startsWith('FAILED'))).toEqual([]);

    // The gateway has no replicas field (its CPU HPA owns it): the HPA brings it to minReplicas 2.
    for (const service of SERVICES) {
      const want = 2;
      const expected = { service, deploymentReady: want, replicaSets: [{ replicas: want, ready: want }], pods: want, onKwokNodes: want, endpointsMatchPods: true, want };
      const state = await eventually(`${service} reconciled`, () => {
        const st = { service, ...reconciled(NS, service, want) };
        return JSON.stringify(st) === JSON.stringify(expected) ? st : undefined;
      }, 60_000).catch(() => ({ service, ...reconciled(NS, service, want) }));
      expect(state).toEqual(expected);
    }
  });

  it('when installed, then every PodDisruptionBudget covers its pods and allows one disruption', async () => {
    for (const service of SERVICES) {
      const pdb = await eventually(`PDB of ${service}`, () => {
        const p = kubectlJson(['get', 'pdb', '-n', NS, `${RELEASE}-${service}`]);
        return p.status?.expectedPods > 0 && p.status.currentHealthy === p.status.expectedPods ? p : undefined;
      }, 60_000);
      expect(pdb.status.disruptionsAllowed).toBe(1);
    }
  });

  it('when installed, then KEDA made the ScaledObject Ready and created its HPA on order-management', async () => {
    const so = await eventually('ScaledObject Ready', () => {
      const s = kubectlJson(['get', 'scaledobject', '-n', NS, `${RELEASE}-order-management`]);
      return s.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True' ? s : undefined;
    }, 120_000);
    const hpa = kubectlJson(['get', 'hpa', '-n', NS, so.status.hpaName]);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `${RELEASE}-order-management` });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.metrics[0].external.metric.selector.matchLabels['scaledobject.keda.sh/name']).toBe(`${RELEASE}-order-management`);
  });

  it('when upgraded with changed values, then migrations run before the new ReplicaSets and the change rolls out; when rolled back, then revision 1 returns', async () => {
    const before = deployment(NS, `${RELEASE}-customer-service`);
    const jobs = watchJobs(NS);
    let r;
    try {
      r = helmRaw(['upgrade', RELEASE, chartDir, '--namespace', NS, '--wait', '--wait-for-jobs', '--timeout', '180s', ...testValues,
        '--set', 'services.customer-service.replicas=3,config.logLevel=debug']);
    } finally {
      await jobs.stop();
    }
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expectHookOrder(jobs.events, MIGRATED.map((s) => `${RELEASE}-${s}-migrate`), SEEDED.map((s) => `${RELEASE}-${s}-seed`));
    const upgraded = reconciled(NS, 'customer-service', 3);
    expect(upgraded).toMatchObject({ deploymentReady: 3, replicaSets: [{ replicas: 3, ready: 3 }], onKwokNodes: 3, endpointsMatchPods: true });
    expect(kubectlJson(['get', 'configmap', '-n', NS, `${RELEASE}-customer-service`]).data.LOG_LEVEL).toBe('debug');
    expect(deployment(NS, `${RELEASE}-customer-service`).metadata.generation).toBeGreaterThan(before.metadata.generation);

    const rb = helmRaw(['rollback', RELEASE, '1', '--namespace', NS, '--wait', '--timeout', '180s']);
    expect(rb.stderr).not.toMatch(/Error/);
    expect(rb.status).toBe(0);
    await eventually('rollback rolled out', () => {
      const s = reconciled(NS, 'customer-service', 2);
      return s.deploymentReady === 2 && s.pods === 2 && s.endpointsMatchPods ? s : undefined;
    }, 120_000);
    expect(kubectlJson(['get', 'configmap', '-n', NS, `${RELEASE}-customer-service`]).data.LOG_LEVEL).toBe('info');
    const history = JSON.parse(helm(['history', RELEASE, '--namespace', NS, '-o', 'json']));
    expect(history.map((h: any) => [h.revision, h.status, h.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
  });

  it('when the prod values are installed as a second release, then they are admitted and reconciled too', () => {
    const ns = 'order-platform-prod';
    restrictedNamespace(ns);
    const prod = ['-f', join(chartDir, 'values-prod.yaml'), '--set', 'keda.prometheus.serverAddress=http://127.0.0.1:26290,seed.enabled=false'];
    const dry = strictDryRun(RELEASE, ns, chartDir, prod);
    expect(dry.stderr).not.toMatch(/error|unknown field/i);
    expect(dry.status).toBe(0);
    const r = install(RELEASE, ns, chartDir, prod);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(reconciled(ns, 'inventory-service', 3)).toMatchObject({ deploymentReady: 3, onKwokNodes: 3, endpointsMatchPods: true });
    helm(['uninstall', RELEASE, '--namespace', ns, '--wait']);
  });
});

describe('the cluster test fails a broken chart', () => {
  const cases: string[] = [];
  afterAll(() => {
    for (const ns of cases) kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });
  const freshNamespace = (name: string) => {
    cases.push(name);
    restrictedNamespace(name);
    return name;
  };

  it('when the chart loses its securityContext, then the restricted namespace refuses its pods and the install fails', () => {
    const copy = chartCopy((read, write) => {
      write('templates/deployment.yaml', read('templates/deployment.yaml')
        .replace(/\n\s*\{\{- include "op.podSecurity" \$ \| nindent 6 \}\}/, '')
        .replace(/\n\s*securityContext:\n\s*\{\{- toYaml \$\.Values\.containerSecurityContext \| nindent 12 \}\}/, ''));
    });
    try {
      const ns = freshNamespace('broken-security-context');
      const r = install(RELEASE, ns, copy.dir, testValues, '40s');
      expect(r.status).not.toBe(0);
      const rs = kubectlJson(['get', 'replicasets', '-n', ns]).items.find((x: any) => x.metadata.name.startsWith(`${RELEASE}-api-gateway-`));
      const failure = rs.status.conditions.find((c: any) => c.type === 'ReplicaFailure');
      expect(failure.message).toMatch(/violates PodSecurity "restricted:latest"/);
    } finally {
      copy.cleanup();
    }
  });

  it('when a field of a custom resource is misspelt, then strict validation refuses it', () => {
    const copy = chartCopy((read, write) => write('templates/keda.yaml', read('templates/keda.yaml').replace('minReplicaCount:', 'minReplicaCont:')));
    try {
      const r = strictDryRun(RELEASE, freshNamespace('broken-crd-field'), copy.dir, testValues);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/\.spec\.minReplicaCont: field not declared in schema|unknown field "spec\.minReplicaCont"/);
    } finally {
      copy.cleanup();
    }
  });

  it('when a hook Job fails, then the install fails and no later hook runs', async () => {
    // kwok fails the pods carrying this annotation (scripts/cluster/kwok/pod-fail.yaml).
    const copy = chartCopy((read, write) => write('templates/jobs.yaml', read('templates/jobs.yaml').replace(
      /(  template:\n    metadata:\n)/, '$1      annotations: { cluster-test.order-platform/fail: "true" }\n')));
    const ns = freshNamespace('broken-hook');
    const jobs = watchJobs(ns);
    try {
      const r = install(RELEASE, ns, copy.dir, testValues, '90s');
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/job .*-migrate failed|BackoffLimitExceeded/i);
    } finally {
      await jobs.stop();
      copy.cleanup();
    }
    expect(jobs.events.some((e) => /^FAILED .*-migrate$/.test(e))).toBe(true);
    expect(jobs.events.some((e) => /seed/.test(e))).toBe(false);
  });
});
