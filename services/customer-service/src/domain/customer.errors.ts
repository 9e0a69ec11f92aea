import { AppError, notFound } from '@shop/platform';

export const customerNotFound = (): AppError => notFound('Customer');
export const emailTaken = (): AppError => new AppError('email-taken', 'A customer with this email already exists', 409);
