// npm run ha: the production topology on this machine (three clustered RabbitMQ nodes, quorum
// queues, a PostgreSQL primary with a synchronous standby) and the four services on it, until Ctrl-C.
//
//   npm run ha                      set up, start, run until Ctrl-C (which stops services and nodes, keeping data)
//   npm run ha -- stop | --down     stop everything and delete the nodes' and clusters' data
//   npm run ha -- <command>         one of scripts/ha/ha.sh's commands: status, rabbit-kill 2, pg-promote, ...
import steps from '../lib/steps.js';
import localEnv from '../lib/local-env.js';
import supervisorModule from '../lib/supervisor.js';
import ports from '../lib/ports.js';
import { ha } from './topology.mjs';

const { root, say, services } = steps;
const { serviceEnv, haInfrastructure } = localEnv;
const { Supervisor } = supervisorModule;


const [command, ...rest] = process.argv.slice(2);
if (command === 'stop' || command === '--down') process.exit(ha('destroy'));
if (command) process.exit(ha(command, ...rest));

const haPorts = haInfrastructure.servicePorts;
const taken = await ports.takenPorts(haPorts);
if (taken.length > 0) {
  process.stderr.write(`Ports ${taken.map(([name, port]) => `${port} (${name})`).join(', ')} already in use: is npm run ha running elsewhere?\n`);
  process.exit(1);
}

steps.ensureDependencies();
steps.build();
say('starting three RabbitMQ nodes and a PostgreSQL primary with a synchronous standby (scripts/ha/ha.sh up)');
if (ha('up') !== 0) {
  say('scripts/ha/ha.sh up failed; npm run ha -- stop removes what it created');
  process.exit(1);
}
steps.migrate('ha');
steps.seed('ha');

const supervisor = new Supervisor({ root });
for (const service of services) supervisor.start(service, serviceEnv(service, { profile: 'ha', ports: haPorts }));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  await supervisor.stop();
  say('stopping the RabbitMQ nodes and PostgreSQL clusters (their data stays; npm run ha -- stop removes it)');
  ha('down');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

const gateway = `http://localhost:${haPorts['api-gateway']}`;
const deadline = Date.now() + 60_000;
let ready = false;
while (!ready && Date.now() < deadline) {
  ready = await fetch(`${gateway}/readyz`).then((r) => r.ok, () => false);
  if (!ready) await new Promise((r) => setTimeout(r, 500));
}
const { rabbitmq, postgres } = haInfrastructure;
process.stdout.write(`
\u001b[1mOrder platform, HA topology${ready ? '' : ' (the gateway is not ready yet; see the logs above)'}\u001b[0m
  Gateway:     ${gateway}  (token: npm run token)
  RabbitMQ:    ${rabbitmq.nodes.map((n) => `${n.node} amqp ${n.port} management http://localhost:${n.managementPort}`).join('\n               ')}
               vhost ${rabbitmq.vhost}, user platform / platform-dev, quorum queues
  PostgreSQL:  ${postgres.clusters.map((c) => `${c.cluster} on ${c.port}`).join(', ')} (primary and synchronous standby)
  Faults:      npm run ha -- status | rabbit-kill <1-3> | rabbit-start <1-3> | rabbit-partition <1-3> | rabbit-heal <1-3>
               | pg-kill-primary | pg-promote | pg-rejoin
Ctrl-C stops everything; npm run ha -- stop also deletes the nodes' and clusters' data.
`);
