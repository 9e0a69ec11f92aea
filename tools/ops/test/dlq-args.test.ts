import { queues } from '@shop/contracts';
import { parseDlqArgs } from '../src/dlq';

describe('npm run dlq arguments', () => {
  it('when a command and a work queue are given, then its options are read', () => {
    expect(parseDlqArgs(['replay', queues.placeOrder, '--id', 'm-1', '--limit', '5'])).toEqual({ command: 'replay', queue: queues.placeOrder, id: 'm-1', limit: 5, yes: false });
    expect(parseDlqArgs(['purge', queues.inventoryOrderCancelled, '--yes'])).toMatchObject({ command: 'purge', yes: true });
    expect(parseDlqArgs(['list'])).toMatchObject({ command: 'list' });
  });

  it.each([
    [[], 'a command is required'],
    [['drop', queues.placeOrder], 'unknown command drop'],
    [['inspect', 'order-management.rpc'], 'order-management.rpc is not a work queue'],
    [['inspect'], 'a queue is not a work queue'],
    [['inspect', queues.placeOrder, '--limit', '0'], '--limit must be a positive integer'],
    [['inspect', queues.placeOrder, '--limt', '3'], "Unknown option '--limt'"],
    [['list', 'extra'], 'unexpected extra'],
  ])('when the arguments are %j, then the usage error says %s', (args, error) => {
    expect(parseDlqArgs(args as string[])).toEqual({ error: expect.stringContaining(error) });
  });
});
