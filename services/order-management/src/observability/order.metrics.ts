import type { Metrics } from '@shop/platform';
import type { DecidedOrder } from '../domain/order';

export function createOrderMetrics(metrics: Metrics) {
  const processed = metrics.counter('orders_processed_total', 'Orders that reached a final state, by outcome', ['outcome']);
  const endToEnd = metrics.histogram(
    'order_end_to_end_seconds',
    'Time from acceptance at the gateway to the final state',
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  const batchSize = metrics.histogram('order_batch_size', 'PlaceOrder commands handled per batch', [1, 5, 10, 25, 50, 100, 200, 500, 1000]);

  const failedPermanently = metrics.counter(
    'orders_failed_permanently_total',
    'Orders whose own data failed where the rest of their batch passed: rejected as INVALID_ORDER, or dead-lettered when they could not be recorded',
    ['outcome'],
  );
  // Exported at zero from the start, so that the first failure is an increase an alert can see.
  for (const outcome of ['rejected', 'dead_lettered']) failedPermanently.inc({ outcome }, 0);

  return {
    batchSize,
    failedPermanently: (outcome: 'rejected' | 'dead_lettered', count: number) => failedPermanently.inc({ outcome }, count),
    decided(orders: DecidedOrder[]) {
      const now = Date.now();
      for (const order of orders) {
        processed.inc({ outcome: order.status.toLowerCase() });
        if (order.status !== 'CANCELLED') endToEnd.observe((now - Date.parse(order.acceptedAt)) / 1000);
      }
    },
  };
}
