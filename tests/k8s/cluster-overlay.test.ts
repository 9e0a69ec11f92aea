import { join } from 'node:path';
import { checkConfigMapReferences, checkGracePeriods, checkImageTags, checkProbes, checkResources, checkRestrictedPodSecurity, checkSecretReferences, podTemplates } from './lib/policy';
import { byKind, chartDir, kubeconform, renderedDocs } from './lib/render';

// values-cluster-test.yaml is test-only (the cluster test's real node, see docs/kubernetes.md).
const overlay = ['-f', join(chartDir, 'values-cluster-test.yaml')];

describe('the cluster-test overlay', () => {
  const docs = renderedDocs('cluster-test', overlay);
  const defaults = renderedDocs('default');

  it('when rendered, then every object passes strict schema validation', () => {
    const r = kubeconform(docs);
    expect(r.output).toMatch(new RegExp(`${docs.length} resources found.*Invalid: 0, Errors: 0, Skipped: 0`));
    expect(r.status).toBe(0);
  });

  it('when rendered, then every pod is on the host network with cluster DNS kept, on the real node only', () => {
    const pods = podTemplates(docs);
    expect(pods.length).toBe(4 + 3 + 2); // Deployments, migration Jobs, seed Jobs
    for (const { spec } of pods) {
      expect(spec.hostNetwork).toBe(true);
      expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
      expect(spec.nodeSelector).toEqual({ 'order-platform.io/real-node': 'true' });
      expect(spec.tolerations).toEqual([{ key: 'order-platform.io/real-node', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    }
  });

  it('when rendered, then the only Pod Security findings are the host network, and the chart defaults have none', () => {
    expect(checkRestrictedPodSecurity(docs).every((f) => /hostNetwork/i.test(f))).toBe(true);
    expect(checkRestrictedPodSecurity(docs).length).toBeGreaterThan(0);
    expect(podTemplates(defaults).some(({ spec }) => spec.hostNetwork !== undefined || spec.nodeSelector !== undefined)).toBe(false);
  });

  it('when rendered, then probes, resources, grace periods and references hold as in the chart defaults', () => {
    expect(checkProbes(docs)).toEqual([]);
    expect(checkResources(docs)).toEqual([]);
    expect(checkImageTags(docs)).toEqual([]);
    expect(checkGracePeriods(docs)).toEqual([]);
    expect(checkSecretReferences(docs)).toEqual([]);
    expect(checkConfigMapReferences(docs)).toEqual([]);
  });

  it('when rendered, then no operator resource is left and the services point at the external broker and databases', () => {
    const kinds = new Set(docs.map((d) => d.kind));
    for (const kind of ['RabbitmqCluster', 'User', 'Permission', 'Cluster', 'Database', 'ScaledObject', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Ingress', 'NetworkPolicy', 'HorizontalPodAutoscaler']) {
      expect(kinds.has(kind)).toBe(false);
    }
    const configs = byKind(docs, 'ConfigMap').filter((c) => c.data?.RABBITMQ_HOST);
    expect(configs).toHaveLength(4);
    for (const c of configs) expect(c.data).toMatchObject({ RABBITMQ_HOST: '127.0.0.1', RABBITMQ_VHOST: 'platform-pods' });
    const ports = configs.map((c) => Number(c.data.PORT ?? c.data.HTTP_PORT));
    expect(new Set(ports).size).toBe(4);
    for (const job of byKind(docs, 'Job')) {
      expect(job.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'DB_HOST', value: '127.0.0.1' }]));
    }
  });
});
