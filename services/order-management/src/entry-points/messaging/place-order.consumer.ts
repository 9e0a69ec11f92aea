import type { ConsumeMessage } from 'amqplib';
import { maxCommandsPerMessage, messageTypes, placeOrderCommandSchema, type PlaceOrderCommand } from '@shop/contracts';
import { ack, deadLetter, decode, retry, type Settlement } from '@shop/messaging';

interface Read {
  commands: PlaceOrderCommand[];
  /** Why some or all of the message cannot be processed; the valid commands still are. */
  invalid?: string;
}

/** The commands of one message: a PlaceOrder holds one, a PlaceOrders many, each checked alone. */
function readCommands(message: ConsumeMessage): Read {
  const body = decode(message);
  const many = message.properties.type === messageTypes.placeOrders;
  const list = many ? (body as { commands?: unknown } | null)?.commands : [body];
  if (!Array.isArray(list) || list.length === 0 || list.length > maxCommandsPerMessage) {
    return { commands: [], invalid: `invalid PlaceOrders: "commands" must hold 1 to ${maxCommandsPerMessage} commands` };
  }
  const commands: PlaceOrderCommand[] = [];
  const problems: string[] = [];
  list.forEach((candidate, i) => {
    const { value, error } = placeOrderCommandSchema.validate(candidate);
    if (!error) commands.push(value);
    else problems.push(many ? `command ${i} (order ${String((candidate as { orderId?: unknown } | null)?.orderId)}): ${error.message}` : error.message);
  });
  return { commands, invalid: problems.length > 0 ? `invalid PlaceOrder: ${problems.join('; ')}` : undefined };
}

/**
 * The valid commands of a batch of messages are handled together, at most `ordersPerCall` at a
 * time, and their messages acked only after every call committed, or retried later if one
 * failed (order handling is idempotent per order id, so a retry redoes nothing twice). A message
 * with an invalid command goes to the dead-letter queue with the reason once its valid commands
 * are handled; replaying it later only repeats the invalid one.
 */
export const handlePlaceOrders =
  (placeOrders: (commands: PlaceOrderCommand[]) => Promise<void>, ordersPerCall: number) =>
  async (messages: ConsumeMessage[]): Promise<Settlement[]> => {
    const reads = messages.map((message): Read => {
      try {
        return readCommands(message);
      } catch (err) {
        return { commands: [], invalid: (err as Error).message };
      }
    });
    const commands = reads.flatMap((r) => r.commands);
    let failure: string | undefined;
    try {
      for (let at = 0; at < commands.length; at += ordersPerCall) await placeOrders(commands.slice(at, at + ordersPerCall));
    } catch (err) {
      failure = (err as Error).message;
    }
    return reads.map((r) => {
      if (failure !== undefined && r.commands.length > 0) return retry(failure);
      return r.invalid !== undefined ? deadLetter(r.invalid) : ack;
    });
  };
