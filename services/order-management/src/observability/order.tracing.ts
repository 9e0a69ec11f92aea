import { batchStep } from '@shop/platform';
import type { SagaSteps } from '../domain/place-orders.use-case';

/** Each saga step as a span of its batch, and as a span in the trace of every order it worked for. */
export const tracedSagaSteps: SagaSteps = {
  step: (name, orderIds, work, failureOf) => batchStep(name, orderIds, { idAttribute: 'order.id', failureOf }, work),
};
