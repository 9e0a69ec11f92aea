// Experiment: what libs/messaging's coalesceWrites (cork amqplib's socket around its per-tick flush)
// saves, in CPU of the publishing process and of the broker, with and without it, alternating.
//   node tools/load/experiments/coalesce-writes.mjs [rounds] [messages]
// Runs against the test profile's broker (npm test's own node; KEEP_INFRA=1 npm test -- x starts it).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';

const require = createRequire(import.meta.url);
const localEnv = require('../../../scripts/lib/local-env.js');
const { coalesceWrites } = require('../../../libs/messaging/dist/coalesce-writes.js');
const { rabbitmq } = localEnv.infrastructure.test;
const url = localEnv.serviceEnv('api-gateway', { profile: 'test' }).RABBITMQ_URL;
const rounds = Number(process.argv[2] ?? 3);
const total = Number(process.argv[3] ?? 30000);

const brokerCpu = () => {
  const pid = readFileSync(rabbitmq.pidFile, 'utf8').trim();
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function run(coalesce, perTick) {
  const model = await amqp.connect(url, { noDelay: true });
  if (coalesce && !coalesceWrites(model)) throw new Error('amqplib internals changed');
  const channel = await model.createConfirmChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  const body = Buffer.alloc(350, 'x');
  await channel.consume(queue, (m) => channel.ack(m), { noAck: false });
  await channel.prefetch(500);
  const [b0, s0, t0] = [brokerCpu(), selfCpu(), performance.now()];
  let confirmed = 0;
  await new Promise((resolve) => {
    const tick = () => {
      for (let i = 0; i < perTick; i += 1) {
        channel.publish('', queue, body, { persistent: true }, () => (confirmed += 1) === total && resolve());
      }
      if ((sent += perTick) < total) setImmediate(tick);
    };
    let sent = 0;
    tick();
  });
  const result = { broker: ((brokerCpu() - b0) / total) * 1000, client: ((selfCpu() - s0) / total) * 1000, seconds: (performance.now() - t0) / 1000 };
  await model.close();
  return result;
}

console.log(`${total} persistent 350-byte messages per run, confirmed and consumed; CPU-s per 1,000 messages`);
for (const perTick of [1, 100]) {
  for (let r = 1; r <= rounds; r += 1) {
    for (const coalesce of [false, true]) {
      const x = await run(coalesce, perTick);
      console.log(`${perTick} per tick, ${coalesce ? 'corked  ' : 'uncorked'} round ${r}: client ${x.client.toFixed(4)}  broker ${x.broker.toFixed(4)}  (${x.seconds.toFixed(1)} s)`);
    }
  }
}
