import type { ConsumeMessage } from 'amqplib';
import { maxCommandsPerMessage, messageTypes, placeOrderCommandSchema, type PlaceOrderCommand } from '@shop/contracts';
import { ack, deadLetter, decode, encode, retry, type Settlement } from '@shop/messaging';
import { isolateFailures, SpanKind, startItemSpans, withItemContexts, type Logger } from '@shop/platform';
import type { InvalidOrderOutcome } from '../../domain/reject-invalid-order.use-case';

interface Read {
  commands: PlaceOrderCommand[];
  /** Commands that fail the schema, as they arrived, with why. */
  invalid: Array<{ command: unknown; problem: string }>;
  /** Why the message as a whole cannot be read (then it has no commands). */
  unreadable?: string;
}

const orderIdOf = (command: unknown): string => String((command as { orderId?: unknown } | null)?.orderId);

/** The commands of one message: a PlaceOrder holds one, a PlaceOrders many, each checked alone. */
function readCommands(message: ConsumeMessage): Read {
  const body = decode(message);
  const many = message.properties.type === messageTypes.placeOrders;
  const list = many ? (body as { commands?: unknown } | null)?.commands : [body];
  if (!Array.isArray(list) || list.length === 0 || list.length > maxCommandsPerMessage) {
    return { commands: [], invalid: [], unreadable: `invalid PlaceOrders: "commands" must hold 1 to ${maxCommandsPerMessage} commands` };
  }
  const read: Read = { commands: [], invalid: [] };
  for (const candidate of list) {
    const { value, error } = placeOrderCommandSchema.validate(candidate);
    if (!error) read.commands.push(value);
    else read.invalid.push({ command: candidate, problem: `order ${orderIdOf(candidate)}: ${error.message}` });
  }
  return read;
}

export interface PlaceOrdersHandlerDeps {
  placeOrders: (commands: PlaceOrderCommand[]) => Promise<void>;
  rejectInvalid: (command: PlaceOrderCommand) => Promise<InvalidOrderOutcome>;
  /** Orders handled per saga pass. */
  ordersPerCall: number;
  logger: Logger;
  /** Counts orders that failed for good, by what became of them. */
  onPermanentFailure: (outcome: 'rejected' | 'dead_lettered', count: number) => void;
}

/**
 * The valid commands of a batch of messages are handled together, at most `ordersPerCall` at a
 * time. A transient failure (database or broker away, a lost race) retries every message later;
 * order handling is idempotent per order id, so a retry redoes nothing twice. A failure that an
 * order's own data causes is isolated (the pass is split until it is pinned to that order) and
 * never holds up the others: the order is REJECTED as INVALID_ORDER, or, when it could not even
 * be recorded, dead-lettered alone. A command that fails the schema is dead-lettered alone too:
 * the dead letter holds only the commands that failed, so a replay repeats only those.
 */
export function handlePlaceOrders({ placeOrders, rejectInvalid, ordersPerCall, logger, onPermanentFailure }: PlaceOrdersHandlerDeps) {
  return async (messages: ConsumeMessage[]): Promise<Settlement[]> => {
    const reads = messages.map((message): Read => {
      try {
        return readCommands(message);
      } catch (err) {
        return { commands: [], invalid: [], unreadable: (err as Error).message };
      }
    });
    const commands = reads.flatMap((r) => r.commands);
    // Each order's work continues the trace of the request that accepted it.
    const traced = startItemSpans(
      'place order',
      commands.map((c) => ({ id: c.orderId, traceparent: c.traceparent })),
      { idAttribute: 'order.id', kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process' } },
    );
    const failures = new Map<string, string>();
    try {
      return await withItemContexts(traced.contexts, () => handleCommands(reads, commands, failures));
    } finally {
      traced.end((orderId) => failures.get(orderId));
    }
  };

  async function handleCommands(reads: Read[], commands: PlaceOrderCommand[], failures: Map<string, string>): Promise<Settlement[]> {
    const notStored = new Map<string, string>();
    try {
      for (let at = 0; at < commands.length; at += ordersPerCall) {
        const { failed } = await isolateFailures(commands.slice(at, at + ordersPerCall), placeOrders);
        for (const { item, error } of failed) {
          const outcome = await rejectInvalid(item).catch((err: unknown) => {
            logger.error({ orderId: item.orderId, err }, 'could not reject an invalid order; dead-lettering its command');
            return 'not-stored' as const;
          });
          logger.error({ orderId: item.orderId, customerId: item.customerId, err: error, outcome }, 'order failed on its own data');
          failures.set(item.orderId, `failed on its own data: ${outcome}`);
          onPermanentFailure(outcome === 'rejected' ? 'rejected' : 'dead_lettered', 1);
          if (outcome === 'not-stored') notStored.set(item.orderId, (error as Error)?.message ?? String(error));
        }
      }
    } catch (err) {
      logger.warn({ err, orders: commands.length, messages: reads.length }, 'place-order batch failed; retrying it later');
      const reason = (err as Error)?.message ?? String(err);
      for (const c of commands) failures.set(c.orderId, `retried later: ${reason}`);
      return reads.map((r) => (r.commands.length > 0 ? retry(reason) : settleRead(r, notStored, onPermanentFailure)));
    }
    return reads.map((r) => settleRead(r, notStored, onPermanentFailure));
  }
}

function settleRead(
  read: Read,
  notStored: Map<string, string>,
  onPermanentFailure: PlaceOrdersHandlerDeps['onPermanentFailure'],
): Settlement {
  if (read.unreadable !== undefined) return deadLetter(read.unreadable);
  const failed = [
    ...read.invalid,
    ...read.commands.filter((c) => notStored.has(c.orderId)).map((c) => ({ command: c as unknown, problem: `order ${c.orderId}: ${notStored.get(c.orderId)}` })),
  ];
  if (failed.length === 0) return ack;
  if (read.invalid.length > 0) onPermanentFailure('dead_lettered', read.invalid.length);
  const reason = `invalid PlaceOrder: ${failed.map((f) => f.problem).join('; ')}`;
  const single = read.invalid.length + read.commands.length === 1;
  // A PlaceOrder already holds only the failed command; a PlaceOrders keeps only the failed ones.
  return single ? deadLetter(reason) : deadLetter(reason, encode({ commands: failed.map((f) => f.command) }));
}
