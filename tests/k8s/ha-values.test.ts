import { haInfrastructure, profileEnv } from '@shop/test-kit';
import { renderedDocs } from './lib/render';

// The prod values run the topology that npm run ha runs and npm run test:ha breaks on one machine:
// quorum queues on a three-node RabbitMQ cluster, a PostgreSQL primary whose commits wait for a standby.
describe('the prod values and the HA topology', () => {
  const docs = renderedDocs('prod');
  const one = (kind: string) => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('when rendered, then the services declare quorum queues, as in npm run ha', () => {
    const configMaps = docs.filter((d) => d.kind === 'ConfigMap' && d.data?.QUEUE_TYPE !== undefined);

    expect(configMaps.length).toBeGreaterThan(0);
    expect(configMaps.map((c) => c.data.QUEUE_TYPE)).toEqual(configMaps.map(() => profileEnv('ha', 'api-gateway').QUEUE_TYPE));
    expect(profileEnv('ha', 'api-gateway').QUEUE_TYPE).toBe('quorum');
  });

  it('when rendered, then the RabbitmqCluster has as many nodes as npm run ha clusters', () => {
    expect(one('RabbitmqCluster').spec.replicas).toBe(haInfrastructure.rabbitmq.nodes.length);
    expect(haInfrastructure.rabbitmq.nodes).toHaveLength(3);
  });

  it('when rendered, then the CNPG Cluster has three instances and every commit waits for a synchronous standby', () => {
    const cluster = one('Cluster').spec;

    expect(cluster.instances).toBe(3);
    expect(cluster.postgresql.synchronous).toEqual({ method: 'any', number: 1, dataDurability: 'required' });
    // At least one standby beyond the synchronous ones, so that losing one does not stop writes.
    expect(cluster.postgresql.synchronous.number).toBeLessThan(cluster.instances - 1);
  });

  it('when rendered with the dev values (one instance), then there is no synchronous replication to wait for', () => {
    const cluster = renderedDocs('dev').find((d) => d.kind === 'Cluster')!.spec;

    expect(cluster.instances).toBe(1);
    expect(cluster.postgresql.synchronous).toBeUndefined();
  });
});
