import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { workQueues } from '@shop/contracts';
import { countDeadLetters, inspectDeadLetters, purgeDeadLetters, replayDeadLetters } from '@shop/messaging';

const usage = `Usage: npm run dlq -- <command> [--profile dev|test]
  list                                  dead letters per work queue
  inspect <queue> [--limit N]           show dead letters with their reason (they stay)
  replay <queue> [--id ID] [--limit N]  send dead letters back to <queue>
  purge <queue> --yes                   delete the dead letters of <queue>
Queues: ${workQueues.join(', ')}
Broker: RABBITMQ_URL`;

type Parsed = { command?: string; queue?: string; id?: string; limit?: number; yes: boolean };

/** The command line, or a usage error naming what is wrong. */
export function parseDlqArgs(args: string[]): Parsed | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { id: { type: 'string' }, limit: { type: 'string' }, yes: { type: 'boolean', default: false } },
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const [command, queue, ...extra] = parsed.positionals;
  const { id, limit, yes } = parsed.values;
  if (!command) return { error: 'a command is required' };
  if (!['list', 'inspect', 'replay', 'purge'].includes(command)) return { error: `unknown command ${command}` };
  const unexpected = command === 'list' ? [queue, ...extra].filter((a) => a !== undefined) : extra;
  if (unexpected.length > 0) return { error: `unexpected ${unexpected.join(' ')}` };
  if (command !== 'list' && !workQueues.includes(queue as (typeof workQueues)[number])) return { error: `${queue ?? 'a queue'} is not a work queue` };
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) return { error: '--limit must be a positive integer' };
  return { command, queue, id, limit: limit === undefined ? undefined : Number(limit), yes: yes ?? false };
}

async function main(args: string[]): Promise<number> {
  const parsed = parseDlqArgs(args);
  const url = process.env.RABBITMQ_URL;
  if ('error' in parsed || !url) {
    process.stderr.write(`dlq: ${'error' in parsed ? parsed.error : 'RABBITMQ_URL is not set'}\n${usage}\n`);
    return 2;
  }
  const { command, queue = '', id, limit, yes } = parsed;
  if (command === 'purge' && !yes) {
    process.stderr.write('purge deletes messages for good; add --yes\n');
    return 2;
  }
  const connection = await amqp.connect(url);
  try {
    switch (command) {
      case 'list':
        for (const { queue: q, deadLetters } of await countDeadLetters(connection, workQueues)) process.stdout.write(`${q}.dlq\t${deadLetters}\n`);
        break;
      case 'inspect':
        process.stdout.write(`${JSON.stringify(await inspectDeadLetters(connection, queue, limit ?? 20), null, 2)}\n`);
        break;
      case 'replay':
        process.stdout.write(`replayed ${await replayDeadLetters(connection, queue, { messageId: id, limit: limit ?? Infinity })}\n`);
        break;
      case 'purge':
        process.stdout.write(`purged ${await purgeDeadLetters(connection, queue)}\n`);
        break;
    }
    return 0;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`dlq: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
