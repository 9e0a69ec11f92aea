import { itemTraceId, type Metrics } from '@shop/platform';
import type { DecidedOrder } from '../domain/order';

export function createOrderMetrics(metrics: Metrics) {
  // reason: the rejection's code (a closed set in the contracts), only on rejected orders.
  const processed = metrics.counter('orders_processed_total', 'Orders that reached a final state, by outcome and, when rejected, by reason', ['outcome', 'reason']);
  // The queue lag a customer feels. Each bucket keeps the trace of its latest order as an exemplar,
  // so a slow point on the dashboard leads to that order's trace.
  const endToEnd = metrics.exemplarHistogram(
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
    /** Called in the batch's item contexts (the saga), so each order's own trace is known. */
    decided(orders: DecidedOrder[]) {
      const now = Date.now();
      for (const order of orders) {
        const outcome = order.status.toLowerCase();
        processed.inc(order.status === 'REJECTED' && order.rejectionReason ? { outcome, reason: order.rejectionReason.code } : { outcome });
        if (order.status === 'CANCELLED') continue;
        const traceId = itemTraceId(order.orderId);
        endToEnd.observe({ value: (now - Date.parse(order.acceptedAt)) / 1000, exemplarLabels: traceId ? { trace_id: traceId, order_id: order.orderId } : {} });
      }
    },
  };
}
