import { queues } from '@shop/contracts';
import type { ChaosTopology } from '../faults/chaos';
import { between, held, serviceNemeses, type Nemesis, type Random } from '../faults/support/nemesis';
import { awaitHealed, ha, leaderOf } from './support/ha';

/**
 * A node of the three: the one leading order-management.place-order half of the time (as the
 * scenario of tests/ha does), any node otherwise. Both draws always happen, so a seed replays the
 * same choices whatever the leader is.
 */
async function chooseNode(random: Random): Promise<{ node: string; detail: string }> {
  const leader = random() < 0.5;
  const any = between(random, 1, 3);
  if (!leader) return { node: String(any), detail: `node ${any}` };
  const led = await leaderOf(queues.placeOrder).catch(() => undefined);
  return led ? { node: String(led), detail: `node ${led}, the leader` } : { node: String(any), detail: `node ${any} (no leader found)` };
}

/** The HA topology's own faults: each holds for a random while, heals, and leaves the topology whole. */
function haNemeses(): Nemesis[] {
  return [
    held('kill -9 a RabbitMQ node, start it again', 2000, 12_000, async (_platform, random) => {
      const { node, detail } = await chooseNode(random);
      await ha('rabbit-kill', node);
      return { detail, heal: () => ha('rabbit-start', node) };
    }),
    held('stop a RabbitMQ node gracefully, start it again', 2000, 10_000, async (_platform, random) => {
      const node = String(between(random, 1, 3));
      await ha('rabbit-stop', node);
      return { detail: `node ${node}`, heal: () => ha('rabbit-start', node) };
    }),
    // Held past the 10 s net tick time or not: a partition that heals before the node pauses is a
    // fault too (publishes through it wait for a leader that cannot reach a quorum).
    held('partition a RabbitMQ node, heal it', 5000, 25_000, async (_platform, random) => {
      const { node, detail } = await chooseNode(random);
      await ha('rabbit-partition', node);
      return {
        detail,
        heal: async () => {
          await ha('rabbit-heal', node);
          if ((await awaitHealed(node)) === 'restarted') process.stdout.write(`chaos: node ${node} hung after the heal (Erlang global) and was restarted\n`);
        },
      };
    }),
    held('kill -9 the PostgreSQL primary, promote the standby, rejoin', 1000, 4000, async () => {
      const primary = await ha('pg-primary');
      await ha('pg-kill-primary');
      return {
        detail: `${primary.split(':')[0]} was the primary`,
        heal: async () => {
          await ha('pg-promote');
          await ha('pg-rejoin');
        },
      };
    }),
    held('memory alarm on a RabbitMQ node', 1000, 5000, async (_platform, random) => {
      const node = String(between(random, 1, 3));
      await ha('rabbit-alarm', node, 'on');
      return { detail: `node ${node}`, heal: () => ha('rabbit-alarm', node, 'off') };
    }),
  ];
}

/** Leaves the topology whole whatever a run left behind: no partition, no alarm, every node up, a synchronous standby. */
async function whole(): Promise<void> {
  await ha('up');
  for (const node of ['1', '2', '3']) await ha('rabbit-alarm', node, 'off');
}

/** The chaos schedule on the HA topology (npm run test:chaos -- --topology ha). */
export function haChaos(): ChaosTopology {
  return {
    // The faults of the services weigh as much as those of the topology.
    catalogue: [...serviceNemeses(), ...haNemeses()],
    rate: 30,
    prepare: async () => {
      await whole();
      return { profile: 'ha' };
    },
    cleanup: whole,
  };
}
