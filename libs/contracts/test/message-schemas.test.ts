import { randomUUID } from 'node:crypto';
import { inventoryRpc, newId, placeOrderCommandSchema } from '../src';

const productId = randomUUID();

// The gateway's side of the PlaceOrder contract is tested where its schema lives:
// services/api-gateway/test/command-contract.test.ts.
describe('compiled message schemas', () => {
  it('when a command breaks a rule, then each broken field is named', () => {
    const command = {
      orderId: `{${newId()}}`,
      customerId: newId().toUpperCase(),
      items: [
        { productId: productId, quantity: 2 },
        { productId: productId, quantity: 0 },
      ],
      shippingAddress: { line1: 'Main St 1', city: 'Berlin', country: 'DEU' },
      acceptedAt: '2026-13-01T00:00:00Z',
      extra: true,
    };

    const { error } = placeOrderCommandSchema.validate(command);

    expect(error?.details.map((d) => d.path.join('.')).sort()).toEqual(
      ['acceptedAt', 'customerId', 'extra', 'items', 'items.1.quantity', 'orderId', 'shippingAddress.country', 'shippingAddress.postalCode'],
    );
    expect(error?.message).toContain('"items" contains a duplicate productId');
  });

  it('when a reserve request names an order twice, then it is refused; a valid one passes unchanged', () => {
    const order = { orderId: newId(), items: [{ productId: productId, quantity: 1 }] };

    expect(inventoryRpc.reserve.schema.validate({ orders: [order, order] }).error?.message).toContain('"orders" contains a duplicate orderId');
    expect(inventoryRpc.reserve.schema.validate({ orders: [order] })).toEqual({ value: { orders: [order] } });
  });
});
