import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { declareExchanges, exchanges, messageTypes, routingKeys } from '@shop/contracts';
import { BrokerConnection, ConfirmPublisher } from '@shop/messaging';
import { transactional } from '@shop/platform';
import { createOrdersDataSource } from '../src/data-access/data-source';
import { createOutbox } from '../src/data-access/outbox.repository';
import { createOutboxRelay } from '../src/outbound/outbox.relay';
import { quietLogger, rawConnection, startTcpProxy, takeMessage, testEnv, testInfrastructure, waitFor } from '@shop/test-kit';

// The relay against the real database and a real broker reached through a TCP proxy that can
// stall, as a broker that stops answering would: no transaction may wait for its confirms.
const env = testEnv('order-management');
const { rabbitmq } = testInfrastructure;
let db: Client;
let dataSource: DataSource;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let broker: BrokerConnection;
let publisher: ConfirmPublisher;
let connection: ChannelModel;
let eventsQueue: string;

beforeAll(async () => {
  db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  dataSource = await createOrdersDataSource(env.DATABASE_URL, 2).initialize();
  proxy = await startTcpProxy(rabbitmq.port);
  broker = new BrokerConnection({
    url: `amqp://platform:platform-dev@127.0.0.1:${proxy.port}/${rabbitmq.vhost}`,
    name: 'outbox-relay-test',
    logger: quietLogger(),
  });
  publisher = new ConfirmPublisher(broker, quietLogger(), 1000, declareExchanges);
  await publisher.start();
  await broker.start();
  connection = await rawConnection();
  const channel = await connection.createChannel();
  eventsQueue = (await channel.assertQueue('', { exclusive: true })).queue;
  await channel.bindQueue(eventsQueue, exchanges.events, routingKeys.orderConfirmed);
});

afterAll(async () => {
  await connection?.close();
  await broker?.close();
  await proxy?.close();
  await dataSource?.destroy();
  await db?.end();
});

const until = (check: () => Promise<boolean>, timeoutMs = 20_000) => waitFor(check, { timeoutMs, intervalMs: 50 });

const rowsOf = async (messageIds: string[]) =>
  (await db.query('SELECT message_id, claimed_until > now() AS claimed FROM outbox WHERE message_id = ANY($1::uuid[])', [messageIds])).rows as Array<{
    claimed: boolean | null;
  }>;

it('when the broker stalls while events are published, then no transaction waits for it, the claim is given up and the events leave once it is back', async () => {
  const messageIds = [randomUUID(), randomUUID(), randomUUID()];
  const { rows } = await db.query(
    `INSERT INTO outbox (message_id, routing_key, type, payload)
     SELECT m, $2, $3, jsonb_build_object('marker', m) FROM unnest($1::uuid[]) AS m RETURNING id`,
    [messageIds, routingKeys.orderConfirmed, messageTypes.orderConfirmed],
  );
  let published = 0;
  const relay = createOutboxRelay({
    transaction: transactional(dataSource),
    outbox: createOutbox(),
    publisher,
    claimMs: 30_000,
    logger: quietLogger(),
    sweepMs: 200,
    batchSize: 100,
    afterPublish: () => (published += 1),
  });

  proxy.stall(true);
  relay.relayNow(rows.map((r: { id: string }) => String(r.id)));
  // Claimed and committed while the confirms cannot come back.
  await until(async () => (await rowsOf(messageIds)).every((r) => r.claimed === true));
  const waiting = await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
  );
  expect(waiting.rows[0].n).toBe(0);

  // The confirms time out: the claim is released rather than left to run out.
  await until(async () => (await rowsOf(messageIds)).every((r) => r.claimed === null), 5_000);
  expect(published).toBe(0);

  proxy.stall(false);
  proxy.cutAll();
  relay.start();
  await until(async () => (await rowsOf(messageIds)).length === 0, 30_000);
  await relay.stop();
  for (const messageId of messageIds) {
    expect(await takeMessage(connection, eventsQueue, (m) => m.properties.messageId === messageId)).toBeDefined();
  }
});
