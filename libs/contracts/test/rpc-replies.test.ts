import { customerRpc, inventoryRpc, newId, orderRpc } from '../src';

// The reply contracts the callers check (libs/messaging's RpcClient): what the services answer
// passes (the component tests call every method through a checking client), and what breaks the
// contract is refused with the field named.

const now = new Date().toISOString();
const order = {
  orderId: newId(),
  customerId: newId(),
  status: 'CONFIRMED',
  items: [{ productId: newId(), quantity: 2, unitPrice: 1250 }],
  total: 2500,
  currency: 'EUR',
  customerName: 'Ada',
  customerEmail: 'ada@example.com',
  shippingAddress: { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  acceptedAt: now,
  createdAt: now,
  updatedAt: now,
};

describe('RPC reply contracts', () => {
  it('when an order reply is well formed, then it passes as it is', () => {
    expect(orderRpc.get.reply.validate(order)).toEqual({ value: order });
    expect(orderRpc.list.reply.validate({ items: [order], nextCursor: null }).error).toBeUndefined();
  });

  it.each([
    ['a status the platform does not have', { ...order, status: 'SHIPPED' }, 'status'],
    ['a total sent as a string', { ...order, total: '2500' }, 'total'],
    ['no customerId', { ...order, customerId: undefined }, 'customerId'],
    ['an order id that is not a uuid', { ...order, orderId: 'order-1' }, 'orderId'],
    ['an unknown rejection code', { ...order, status: 'REJECTED', rejectionReason: { code: 'TOO_EXPENSIVE', message: 'no' } }, 'rejectionReason'],
  ])('when an order reply has %s, then it is refused naming the field', (_name, reply, field) => {
    const { error } = orderRpc.get.reply.validate(JSON.parse(JSON.stringify(reply)));

    expect(error?.message).toContain(field);
  });

  it('when a reservation reply mixes its variants up, then it is refused', () => {
    const reserved = { orderId: newId(), status: 'RESERVED', lines: [{ productId: newId(), quantity: 1, unitPrice: 10 }], currency: 'EUR' };

    expect(inventoryRpc.reserve.reply.validate({ results: [reserved] }).error).toBeUndefined();
    expect(inventoryRpc.reserve.reply.validate({ results: [{ ...reserved, status: 'REJECTED' }] }).error).toBeDefined();
    expect(inventoryRpc.reserve.reply.validate({ results: {} }).error).toBeDefined();
  });

  it('when a customer reply lacks its status or carries one the platform does not have, then it is refused', () => {
    const customer = { customerId: newId(), name: 'Ada', email: 'ada@example.com', status: 'ACTIVE', shippingAddress: null, createdAt: now };

    expect(customerRpc.getMany.reply.validate({ customers: [customer] }).error).toBeUndefined();
    expect(customerRpc.getMany.reply.validate({ customers: [{ ...customer, status: 'BANNED' }] }).error?.message).toContain('status');
    expect(customerRpc.create.reply.validate({ ...customer, status: undefined }).error).toBeDefined();
  });
});
