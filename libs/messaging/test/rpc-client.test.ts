import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BROKER_URL } from '@shop/test-kit';

// Run in a process of its own, under Node's default for unhandled rejections (the process dies),
// as a service runs: a call whose channel closes under it must fail that call and nothing else.
const script = `
const { BrokerConnection, RpcClient } = require(${JSON.stringify(path.resolve(__dirname, '../dist'))});
const pino = require('pino');
(async () => {
  const logger = pino({ level: 'silent' });
  const broker = new BrokerConnection({ url: process.env.RABBITMQ_URL, name: 'rpc-client-test', logger });
  const rpc = new RpcClient(broker, logger, 300);
  await rpc.start();
  await broker.start();
  void rpc.channel.close();
  const outcome = await rpc.call('nobody.rpc', { name: 'test.method', reply: { validate: (value) => ({ value }) } }, {}).then(() => 'answered', (err) => String(err.status));
  // Past the call's timeout and the channel's close: a dangling rejection would have killed us.
  await new Promise((r) => setTimeout(r, 800));
  console.log('call failed with ' + outcome + '; alive');
  await broker.close();
})();
`;

describe('RpcClient when its channel closes during a call', () => {
  it('when the channel closes as a request is sent, then that call fails with 503 and the process lives', () => {
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, RABBITMQ_URL: BROKER_URL },
      encoding: 'utf8',
      timeout: 20_000,
    });

    expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() }).toEqual({ status: 0, stdout: 'call failed with 503; alive', stderr: '' });
  });
});
