import type { K8sObject } from './render';

/** Policy checks over rendered manifests. Each returns human-readable violations; empty means compliant. */

export interface PodTemplate {
  owner: string;
  kind: string;
  labels: Record<string, string>;
  spec: any;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'];

export function podTemplates(docs: K8sObject[]): PodTemplate[] {
  const pods: PodTemplate[] = [];
  for (const d of docs) {
    const template = WORKLOAD_KINDS.includes(d.kind) ? d.spec?.template : d.kind === 'CronJob' ? d.spec?.jobTemplate?.spec?.template : undefined;
    if (template) pods.push({ owner: `${d.kind}/${d.metadata.name}`, kind: d.kind, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return pods;
}

const allContainers = (spec: any): any[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];

// https://kubernetes.io/docs/concepts/security/pod-security-standards/ (baseline + restricted)
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function restrictedViolations(where: string, spec: any): string[] {
  const v: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field]) v.push(`${where}: ${field} is set`);
  for (const vol of spec.volumes ?? []) {
    const type = Object.keys(vol).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.includes(type)) v.push(`${where}: volume ${vol.name} of type ${type} is not allowed`);
  }
  const podSeccomp = pod.seccompProfile?.type;
  for (const c of allContainers(spec)) {
    const sc = c.securityContext ?? {};
    const at = `${where} container ${c.name}`;
    if (sc.privileged) v.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${at}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${at}: capabilities must drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`${at}: adds capability ${cap}`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) v.push(`${at}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) v.push(`${at}: runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${at}: seccompProfile must be RuntimeDefault or Localhost`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${at}: hostPort ${p.hostPort}`);
  }
  return v;
}

export function checkRestrictedPodSecurity(docs: K8sObject[]): string[] {
  const v = podTemplates(docs).flatMap((p) => restrictedViolations(p.owner, p.spec));
  // RabbitMQ pods come from the operator; the chart's override is what makes them compliant.
  for (const rmq of docs.filter((d) => d.kind === 'RabbitmqCluster')) {
    const spec = rmq.spec?.override?.statefulSet?.spec?.template?.spec;
    if (!spec) {
      v.push(`RabbitmqCluster/${rmq.metadata.name}: no statefulSet override securing its pods`);
      continue;
    }
    const names = allContainers(spec).map((c) => c.name);
    for (const required of ['rabbitmq', 'setup-container']) {
      if (!names.includes(required)) v.push(`RabbitmqCluster/${rmq.metadata.name}: override misses container ${required}`);
    }
    v.push(...restrictedViolations(`RabbitmqCluster/${rmq.metadata.name}`, spec));
  }
  return v;
}

function resourceViolations(where: string, resources: any): string[] {
  const v: string[] = [];
  for (const kind of ['requests', 'limits']) {
    for (const r of ['cpu', 'memory']) if (resources?.[kind]?.[r] === undefined) v.push(`${where}: no ${kind}.${r}`);
  }
  return v;
}

export function checkResources(docs: K8sObject[]): string[] {
  const v = podTemplates(docs).flatMap((p) => allContainers(p.spec).flatMap((c) => resourceViolations(`${p.owner} container ${c.name}`, c.resources)));
  for (const d of docs) {
    if (d.kind === 'RabbitmqCluster' || d.kind === 'Cluster') v.push(...resourceViolations(`${d.kind}/${d.metadata.name}`, d.spec?.resources));
    if (d.kind === 'Pooler') {
      const containers = d.spec?.template?.spec?.containers ?? [];
      if (!containers.length) v.push(`Pooler/${d.metadata.name}: no pgbouncer container resources`);
      for (const c of containers) v.push(...resourceViolations(`Pooler/${d.metadata.name} container ${c.name}`, c.resources));
    }
  }
  return v;
}

/** Long-running containers need both probes; Jobs run to completion and are bounded by activeDeadlineSeconds. */
export function checkProbes(docs: K8sObject[]): string[] {
  const v: string[] = [];
  for (const p of podTemplates(docs)) {
    if (p.kind === 'Job') {
      const job = docs.find((d) => `${d.kind}/${d.metadata.name}` === p.owner);
      if (!job?.spec?.activeDeadlineSeconds) v.push(`${p.owner}: a Job needs activeDeadlineSeconds`);
      continue;
    }
    for (const c of p.spec.containers ?? []) {
      if (!c.livenessProbe) v.push(`${p.owner} container ${c.name}: no livenessProbe`);
      if (!c.readinessProbe) v.push(`${p.owner} container ${c.name}: no readinessProbe`);
    }
  }
  return v;
}

export function imageRefs(docs: K8sObject[]): { where: string; image: string }[] {
  const refs = podTemplates(docs).flatMap((p) => allContainers(p.spec).map((c) => ({ where: `${p.owner} container ${c.name}`, image: c.image })));
  for (const d of docs) {
    if (d.kind === 'RabbitmqCluster' && d.spec?.image) refs.push({ where: `RabbitmqCluster/${d.metadata.name}`, image: d.spec.image });
    if (d.kind === 'Cluster' && d.spec?.imageName) refs.push({ where: `Cluster/${d.metadata.name}`, image: d.spec.imageName });
  }
  return refs;
}

export function checkImageTags(docs: K8sObject[]): string[] {
  return imageRefs(docs).flatMap(({ where, image }) => {
    if (!image) return [`${where}: no image`];
    if (image.includes('@sha256:')) return [];
    const tag = /:([^:/]+)$/.exec(image)?.[1];
    if (!tag) return [`${where}: image ${image} has no tag`];
    return tag === 'latest' ? [`${where}: image ${image} uses latest`] : [];
  });
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, val] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== val) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In' ? has && (e.values ?? []).includes(labels[e.key]) :
      e.operator === 'NotIn' ? !has || !(e.values ?? []).includes(labels[e.key]) :
      e.operator === 'Exists' ? has :
      e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** Labels of the pods operators create from the chart's custom resources. */
export function operatorPods(docs: K8sObject[]): { owner: string; labels: Record<string, string> }[] {
  const pods: { owner: string; labels: Record<string, string> }[] = [];
  for (const d of docs) {
    const owner = `${d.kind}/${d.metadata.name}`;
    if (d.kind === 'Cluster') pods.push({ owner, labels: { 'cnpg.io/cluster': d.metadata.name, 'cnpg.io/podRole': 'instance' } });
    if (d.kind === 'Pooler') pods.push({ owner, labels: { 'cnpg.io/poolerName': d.metadata.name, 'cnpg.io/podRole': 'pooler' } });
    if (d.kind === 'RabbitmqCluster') {
      pods.push({ owner, labels: { 'app.kubernetes.io/name': d.metadata.name, 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' } });
    }
  }
  return pods;
}

const isEmptySelector = (s: LabelSelector | undefined): boolean =>
  !!s && !Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length;

/** A namespace-wide default deny, and for every pod a policy written for it (not just the deny or DNS). */
export function checkNetworkPolicies(docs: K8sObject[]): string[] {
  const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
  const v: string[] = [];
  const deny = policies.find(
    (p) => isEmptySelector(p.spec?.podSelector) && ['Ingress', 'Egress'].every((t) => p.spec?.policyTypes?.includes(t)) && !p.spec.ingress && !p.spec.egress,
  );
  if (!deny) v.push('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');
  const specific = policies.filter((p) => !isEmptySelector(p.spec?.podSelector));
  const pods = [...podTemplates(docs).map((p) => ({ owner: p.owner, labels: p.labels })), ...operatorPods(docs)];
  for (const pod of pods) {
    if (!specific.some((p) => selects(p.spec.podSelector, pod.labels))) v.push(`${pod.owner}: no NetworkPolicy selects its pods`);
  }
  return v;
}

/** Secret names operators create for the chart's custom resources. */
export function operatorGeneratedSecrets(docs: K8sObject[]): Set<string> {
  const names = new Set<string>();
  for (const d of docs) {
    const n = d.metadata.name;
    if (d.kind === 'RabbitmqCluster') names.add(`${n}-default-user`);
    if (d.kind === 'User' && d.apiVersion.startsWith('rabbitmq.com/') && !d.spec?.importCredentialsSecret) names.add(`${n}-user-credentials`);
    if (d.kind === 'Cluster' && d.apiVersion.startsWith('postgresql.cnpg.io/')) {
      if (d.spec?.bootstrap?.initdb && !d.spec.bootstrap.initdb.secret) names.add(`${n}-app`);
      if (d.spec?.enableSuperuserAccess) names.add(`${n}-superuser`);
    }
  }
  return names;
}

export function referencedSecrets(docs: K8sObject[]): { where: string; name: string }[] {
  const refs: { where: string; name: string }[] = [];
  for (const p of podTemplates(docs)) {
    for (const c of allContainers(p.spec)) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) refs.push({ where: `${p.owner} ${c.name} env ${e.name}`, name: e.valueFrom.secretKeyRef.name });
      for (const e of c.envFrom ?? []) if (e.secretRef) refs.push({ where: `${p.owner} ${c.name} envFrom`, name: e.secretRef.name });
    }
    for (const vol of p.spec.volumes ?? []) if (vol.secret) refs.push({ where: `${p.owner} volume ${vol.name}`, name: vol.secret.secretName });
  }
  for (const d of docs) {
    const where = `${d.kind}/${d.metadata.name}`;
    if (d.kind === 'TriggerAuthentication') for (const r of d.spec?.secretTargetRef ?? []) refs.push({ where, name: r.name });
    if (d.kind === 'Cluster') for (const r of d.spec?.managed?.roles ?? []) if (r.passwordSecret) refs.push({ where, name: r.passwordSecret.name });
    if (d.kind === 'User' && d.spec?.importCredentialsSecret) refs.push({ where, name: d.spec.importCredentialsSecret.name });
  }
  return refs;
}

export function checkSecretReferences(docs: K8sObject[]): string[] {
  const rendered = new Set(docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name));
  const generated = operatorGeneratedSecrets(docs);
  return referencedSecrets(docs)
    .filter((r) => !rendered.has(r.name) && !generated.has(r.name))
    .map((r) => `${r.where}: Secret ${r.name} is neither rendered nor generated by an operator`);
}

export function checkConfigMapReferences(docs: K8sObject[]): string[] {
  const rendered = new Set(docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name));
  return podTemplates(docs).flatMap((p) =>
    allContainers(p.spec).flatMap((c) =>
      (c.envFrom ?? []).filter((e: any) => e.configMapRef && !rendered.has(e.configMapRef.name)).map((e: any) => `${p.owner}: ConfigMap ${e.configMapRef.name} is not rendered`),
    ),
  );
}

/** The pod must outlive its drain: preStop sleep plus SHUTDOWN_GRACE_MS from its ConfigMap. */
export function checkGracePeriods(docs: K8sObject[]): string[] {
  const v: string[] = [];
  for (const d of docs.filter((x) => x.kind === 'Deployment')) {
    const spec = d.spec.template.spec;
    for (const c of spec.containers) {
      const cm = (c.envFrom ?? []).map((e: any) => docs.find((x) => x.kind === 'ConfigMap' && x.metadata.name === e.configMapRef?.name)).find(Boolean);
      const graceMs = Number(cm?.data?.SHUTDOWN_GRACE_MS ?? c.env?.find((e: any) => e.name === 'SHUTDOWN_GRACE_MS')?.value ?? 20000);
      const preStopMs = 1000 * (c.lifecycle?.preStop?.sleep?.seconds ?? 0);
      const budgetMs = 1000 * (spec.terminationGracePeriodSeconds ?? 30);
      if (budgetMs <= graceMs + preStopMs) {
        v.push(`Deployment/${d.metadata.name}: terminationGracePeriodSeconds ${budgetMs / 1000}s <= preStop ${preStopMs / 1000}s + drain ${graceMs / 1000}s`);
      }
    }
  }
  return v;
}

export interface ScaledObjectExpectation {
  deployment: string;
  queueName: string;
}

/** The ScaledObject must scale the real consumer Deployment, on the queue that consumer reads. */
export function checkScaledObject(docs: K8sObject[], expected: ScaledObjectExpectation): string[] {
  const v: string[] = [];
  const scaled = docs.filter((d) => d.kind === 'ScaledObject');
  if (scaled.length !== 1) return [`expected one ScaledObject, found ${scaled.length}`];
  const so = scaled[0];
  const target = so.spec.scaleTargetRef ?? {};
  if ((target.kind ?? 'Deployment') !== 'Deployment') v.push(`ScaledObject targets a ${target.kind}`);
  const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === target.name);
  if (!deployment) v.push(`ScaledObject targets Deployment ${target.name}, which is not rendered`);
  else {
    if (target.name !== expected.deployment) v.push(`ScaledObject targets ${target.name}, not ${expected.deployment}`);
    if (deployment.spec.replicas !== undefined) v.push(`Deployment/${target.name} sets replicas although KEDA owns them`);
  }
  for (const k of ['minReplicaCount', 'maxReplicaCount', 'pollingInterval', 'cooldownPeriod']) if (so.spec[k] === undefined) v.push(`ScaledObject has no ${k}`);
  const triggers = so.spec.triggers ?? [];
  const backlog = triggers.find((t: any) => t.type === 'prometheus');
  if (!backlog) return [...v, 'ScaledObject has no prometheus trigger on the backlog in orders'];
  const m = backlog.metadata ?? {};
  const query = String(m.query ?? '');
  // ready + unacked: rabbitmq_detailed_queue_messages, not its _ready or _unacked parts.
  const depth = /rabbitmq_detailed_queue_messages\{([^}]*)\}/.exec(query);
  if (!depth) v.push('trigger query does not read the queue depth (rabbitmq_detailed_queue_messages, ready + unacked)');
  else if (!depth[1].includes(`queue="${expected.queueName}"`)) v.push(`trigger query does not read the consumer's queue ${expected.queueName}`);
  if (!/orders_processed_total/.test(query) || !/messages_handled_total/.test(query)) v.push('trigger query counts messages, not orders (no orders-per-message ratio)');
  if (m.threshold === undefined || m.activationThreshold === undefined) v.push('trigger needs threshold and activationThreshold');
  return v;
}
