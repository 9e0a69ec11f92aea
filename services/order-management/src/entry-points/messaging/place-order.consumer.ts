import type { ConsumeMessage } from 'amqplib';
import { placeOrderCommandSchema, type PlaceOrderCommand } from '@shop/contracts';
import { ack, deadLetter, decode, retry, type Settlement } from '@shop/messaging';

/**
 * Invalid commands go straight to the dead-letter queue with the reason; valid ones are handled
 * as one batch and acked only after the saga committed, or retried later if it failed.
 */
export const handlePlaceOrders =
  (placeOrders: (commands: PlaceOrderCommand[]) => Promise<void>) =>
  async (messages: ConsumeMessage[]): Promise<Settlement[]> => {
    const settlements: Settlement[] = new Array(messages.length);
    const valid: Array<{ index: number; command: PlaceOrderCommand }> = [];
    messages.forEach((message, index) => {
      try {
        const { value, error } = placeOrderCommandSchema.validate(decode(message), { abortEarly: false });
        if (error) settlements[index] = deadLetter(`invalid PlaceOrder: ${error.message}`);
        else valid.push({ index, command: value });
      } catch (err) {
        settlements[index] = deadLetter((err as Error).message);
      }
    });
    if (valid.length > 0) {
      let outcome = ack;
      try {
        await placeOrders(valid.map((v) => v.command));
      } catch (err) {
        outcome = retry((err as Error).message);
      }
      for (const { index } of valid) settlements[index] = outcome;
    }
    return settlements;
  };
