import { AppError, notFound } from '@shop/platform';

export const orderNotFound = (): AppError => notFound('Order');
export const notCancellable = (status: string): AppError =>
  new AppError('order-not-cancellable', `An order that is ${status} cannot be cancelled`, 409);
