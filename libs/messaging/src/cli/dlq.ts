import amqp from 'amqplib';
import { countDeadLetters, inspectDeadLetters, purgeDeadLetters, replayDeadLetters, workQueues } from '../dead-letters';

const usage = `Usage: npm run dlq -- <command>
  list                                  dead letters per work queue
  inspect <queue> [--limit N]           show dead letters with their reason (they stay)
  replay <queue> [--id ID] [--limit N]  send dead letters back to <queue>
  purge <queue> --yes                   delete the dead letters of <queue>
Queues: ${workQueues.join(', ')}
Broker: RABBITMQ_URL`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const [command, queue] = args;
  const url = process.env.RABBITMQ_URL;
  if (!command || !url || (command !== 'list' && !workQueues.includes(queue as (typeof workQueues)[number]))) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const connection = await amqp.connect(url);
  try {
    const limit = Number(option(args, '--limit') ?? 20);
    switch (command) {
      case 'list':
        for (const { queue: q, deadLetters } of await countDeadLetters(connection)) process.stdout.write(`${q}.dlq\t${deadLetters}\n`);
        return 0;
      case 'inspect':
        process.stdout.write(`${JSON.stringify(await inspectDeadLetters(connection, queue, limit), null, 2)}\n`);
        return 0;
      case 'replay':
        process.stdout.write(`replayed ${await replayDeadLetters(connection, queue, { messageId: option(args, '--id'), limit: Number(option(args, '--limit') ?? Infinity) })}\n`);
        return 0;
      case 'purge':
        if (!args.includes('--yes')) {
          process.stderr.write('purge deletes messages for good; add --yes\n');
          return 2;
        }
        process.stdout.write(`purged ${await purgeDeadLetters(connection, queue)}\n`);
        return 0;
      default:
        process.stderr.write(`${usage}\n`);
        return 2;
    }
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`dlq: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
