import { queues } from '@shop/contracts';
import {
  checkConfigMapReferences,
  checkGracePeriods,
  checkImageTags,
  checkNetworkPolicies,
  checkProbes,
  checkResources,
  checkRestrictedPodSecurity,
  checkScaledObject,
  checkSecretReferences,
} from './lib/policy';
import { RELEASE, VALUE_SETS, byKind, find, renderedDocs, type K8sObject } from './lib/render';

const SETS = Object.keys(VALUE_SETS);
const deployment = (docs: K8sObject[], svc: string) => find(docs, 'Deployment', `${RELEASE}-${svc}`)!;
const container = (docs: K8sObject[], svc: string) => deployment(docs, svc).spec.template.spec.containers[0];

describe.each(SETS)('policies over the %s render', (set) => {
  const docs = renderedDocs(set);

  it('when inspected, then every pod meets the restricted Pod Security Standard', () => {
    expect(checkRestrictedPodSecurity(docs)).toEqual([]);
  });

  it('when inspected, then every container has CPU and memory requests and limits', () => {
    expect(checkResources(docs)).toEqual([]);
  });

  it('when inspected, then every long-running container has liveness and readiness probes', () => {
    expect(checkProbes(docs)).toEqual([]);
  });

  it('when inspected, then no image is untagged or "latest"', () => {
    expect(checkImageTags(docs)).toEqual([]);
  });

  it('when inspected, then there is a default deny and every pod has a NetworkPolicy of its own', () => {
    expect(checkNetworkPolicies(docs)).toEqual([]);
  });

  it('when inspected, then every referenced Secret is rendered or operator-generated and every ConfigMap is rendered', () => {
    expect(checkSecretReferences(docs)).toEqual([]);
    expect(checkConfigMapReferences(docs)).toEqual([]);
  });

  it('when inspected, then each pod gets more time to stop than preStop plus its drain', () => {
    expect(checkGracePeriods(docs)).toEqual([]);
  });
});

describe('KEDA scaling of order-management', () => {
  it.each(['default', 'dev', 'prod'])('when KEDA is on (%s), then the ScaledObject scales the consumer Deployment on the queue it consumes', (set) => {
    const docs = renderedDocs(set);
    expect(checkScaledObject(docs, { deployment: `${RELEASE}-order-management`, queueName: queues.placeOrder })).toEqual([]);
  });

  it.each(['default', 'dev', 'prod'])('when KEDA is on (%s), then the per-replica target in orders exceeds what one healthy replica holds unacked', (set) => {
    const docs = renderedDocs(set);
    const env = find(docs, 'ConfigMap', `${RELEASE}-order-management`)!.data;
    // The service defaults (config.ts) when the chart sets nothing.
    const inFlight = Number(env.PREFETCH ?? 400) * Number(env.CONSUMERS ?? 2);
    // Each unacked message holds at least one order.
    const target = Number(byKind(docs, 'ScaledObject')[0].spec.triggers[0].metadata.threshold);
    expect(target).toBeGreaterThan(inFlight);
  });

  it('when KEDA is off, then there is no ScaledObject and the Deployment carries its replicas', () => {
    const docs = renderedDocs('dev-no-keda-no-monitoring');
    expect(byKind(docs, 'ScaledObject')).toHaveLength(0);
    expect(byKind(docs, 'TriggerAuthentication')).toHaveLength(0);
    expect(deployment(docs, 'order-management').spec.replicas).toBe(1);
  });

  it('when the gateway has a CPU HPA, then the HPA targets it and its Deployment leaves replicas to the HPA', () => {
    const docs = renderedDocs('prod');
    const hpa = byKind(docs, 'HorizontalPodAutoscaler');
    expect(hpa.map((h) => h.spec.scaleTargetRef.name)).toEqual([`${RELEASE}-api-gateway`]);
    expect(hpa[0].spec.metrics[0].resource.name).toBe('cpu');
    expect(deployment(docs, 'api-gateway').spec.replicas).toBeUndefined();
  });

  it('when prod values are used, then brokers, databases and services are highly available', () => {
    const docs = renderedDocs('prod');
    expect(byKind(docs, 'RabbitmqCluster')[0].spec.replicas).toBe(3);
    expect(byKind(docs, 'Cluster')[0].spec.instances).toBe(3);
    expect(find(docs, 'ScaledObject', `${RELEASE}-order-management`)!.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(find(docs, 'HorizontalPodAutoscaler', `${RELEASE}-api-gateway`)!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    for (const svc of ['customer-service', 'inventory-service']) expect(deployment(docs, svc).spec.replicas).toBeGreaterThanOrEqual(2);
  });
});

// Each check must be able to fail: break a compliant render one way at a time.
describe('the policy checks catch a bad manifest', () => {
  const broken = (mutate: (docs: K8sObject[]) => void): K8sObject[] => {
    const docs = renderedDocs('dev');
    mutate(docs);
    return docs;
  };

  it('when a container may escalate privileges or keeps its capabilities, then the PSS check fails', () => {
    const docs = broken((d) => {
      container(d, 'api-gateway').securityContext = { runAsNonRoot: true };
    });
    expect(checkRestrictedPodSecurity(docs)).toEqual([
      `Deployment/${RELEASE}-api-gateway container api-gateway: allowPrivilegeEscalation must be false`,
      `Deployment/${RELEASE}-api-gateway container api-gateway: capabilities must drop ALL`,
    ]);
  });

  it('when a pod has no seccomp profile or mounts a hostPath, then the PSS check fails', () => {
    const docs = broken((d) => {
      const spec = deployment(d, 'order-management').spec.template.spec;
      delete spec.securityContext.seccompProfile;
      spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
    });
    const v = checkRestrictedPodSecurity(docs);
    expect(v).toContain(`Deployment/${RELEASE}-order-management: volume host of type hostPath is not allowed`);
    expect(v).toContain(`Deployment/${RELEASE}-order-management container order-management: seccompProfile must be RuntimeDefault or Localhost`);
  });

  it('when the RabbitMQ override stops securing the setup container, then the PSS check fails', () => {
    const docs = broken((d) => {
      byKind(d, 'RabbitmqCluster')[0].spec.override.statefulSet.spec.template.spec.initContainers = [];
    });
    expect(checkRestrictedPodSecurity(docs)).toEqual([`RabbitmqCluster/${RELEASE}-rabbitmq: override misses container setup-container`]);
  });

  it('when a container has no memory limit, then the resources check fails', () => {
    const docs = broken((d) => delete container(d, 'customer-service').resources.limits.memory);
    expect(checkResources(docs)).toEqual([`Deployment/${RELEASE}-customer-service container customer-service: no limits.memory`]);
  });

  it('when a Deployment has no readiness probe, then the probe check fails', () => {
    const docs = broken((d) => delete container(d, 'inventory-service').readinessProbe);
    expect(checkProbes(docs)).toEqual([`Deployment/${RELEASE}-inventory-service container inventory-service: no readinessProbe`]);
  });

  it('when an image is latest or untagged, then the tag check fails', () => {
    const docs = broken((d) => {
      container(d, 'api-gateway').image = 'order-platform/api-gateway:latest';
      byKind(d, 'RabbitmqCluster')[0].spec.image = 'rabbitmq';
    });
    expect(checkImageTags(docs)).toEqual([
      `Deployment/${RELEASE}-api-gateway container api-gateway: image order-platform/api-gateway:latest uses latest`,
      `RabbitmqCluster/${RELEASE}-rabbitmq: image rabbitmq has no tag`,
    ]);
  });

  it("when a workload's NetworkPolicy is missing, then the coverage check names it", () => {
    const docs = broken((d) => d.splice(d.indexOf(find(d, 'NetworkPolicy', `${RELEASE}-pg`)!), 1));
    expect(checkNetworkPolicies(docs)).toEqual([`Cluster/${RELEASE}-pg: no NetworkPolicy selects its pods`]);
  });

  it('when the default deny is gone, then the coverage check fails', () => {
    const docs = broken((d) => d.splice(d.indexOf(find(d, 'NetworkPolicy', `${RELEASE}-default-deny`)!), 1));
    expect(checkNetworkPolicies(docs)).toEqual(['no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)']);
  });

  it('when a Secret is referenced that nobody creates, then the secret check fails', () => {
    const docs = broken((d) => {
      container(d, 'api-gateway').env.find((e: any) => e.name === 'ORDER_ID_SECRET').valueFrom.secretKeyRef.name = 'key-from-nowhere';
    });
    expect(checkSecretReferences(docs)).toEqual([
      `Deployment/${RELEASE}-api-gateway api-gateway env ORDER_ID_SECRET: Secret key-from-nowhere is neither rendered nor generated by an operator`,
    ]);
  });

  it('when the grace period is shorter than the drain, then the grace check fails', () => {
    const docs = broken((d) => (deployment(d, 'order-management').spec.template.spec.terminationGracePeriodSeconds = 10));
    expect(checkGracePeriods(docs)).toEqual([`Deployment/${RELEASE}-order-management: terminationGracePeriodSeconds 10s <= preStop 2s + drain 10s`]);
  });

  it('when the ScaledObject watches another queue or Deployment, or the Deployment pins replicas, then the KEDA check fails', () => {
    const docs = broken((d) => {
      const so = byKind(d, 'ScaledObject')[0];
      const m = so.spec.triggers[0].metadata;
      m.query = m.query.replace('queue="order-management.place-order"', 'queue="order-management.place-orders"');
      deployment(d, 'order-management').spec.replicas = 3;
    });
    expect(checkScaledObject(docs, { deployment: `${RELEASE}-order-management`, queueName: queues.placeOrder })).toEqual([
      `Deployment/${RELEASE}-order-management sets replicas although KEDA owns them`,
      `trigger query does not read the consumer's queue ${queues.placeOrder}`,
    ]);
    const messages = broken((d) => {
      const m = byKind(d, 'ScaledObject')[0].spec.triggers[0].metadata;
      m.query = m.query.replace(/ \* \(clamp.*$/, '').replace('rabbitmq_detailed_queue_messages{', 'rabbitmq_detailed_queue_messages_ready{');
    });
    expect(checkScaledObject(messages, { deployment: `${RELEASE}-order-management`, queueName: queues.placeOrder })).toEqual([
      'trigger query does not read the queue depth (rabbitmq_detailed_queue_messages, ready + unacked)',
      'trigger query counts messages, not orders (no orders-per-message ratio)',
    ]);
    const retargeted = broken((d) => (byKind(d, 'ScaledObject')[0].spec.scaleTargetRef.name = `${RELEASE}-order-managment`));
    expect(checkScaledObject(retargeted, { deployment: `${RELEASE}-order-management`, queueName: queues.placeOrder })).toEqual([
      `ScaledObject targets Deployment ${RELEASE}-order-managment, which is not rendered`,
    ]);
  });
});

describe('tracing in the chart', () => {
  const services = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];
  const configOf = (docs: K8sObject[], svc: string) => find(docs, 'ConfigMap', `${RELEASE}-${svc}`)!.data as Record<string, string>;

  it('when the prod values are rendered, then every service sends 10% of its traces to the collector, and a NetworkPolicy lets it', () => {
    const docs = renderedDocs('prod');
    for (const svc of services) {
      expect(configOf(docs, svc)).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
        OTEL_SERVICE_NAME: svc,
      });
    }
    const policy = find(docs, 'NetworkPolicy', `${RELEASE}-tracing`)!;
    expect(policy.spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 4318 }]);
    expect(policy.spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'observability' });
  });

  it('when the default values are rendered, then tracing is off: no OTEL variable and no tracing policy', () => {
    const docs = renderedDocs('default');
    for (const svc of services) expect(Object.keys(configOf(docs, svc)).filter((k) => k.startsWith('OTEL_'))).toEqual([]);
    expect(find(docs, 'NetworkPolicy', `${RELEASE}-tracing`)).toBeUndefined();
  });
});
