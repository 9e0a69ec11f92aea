import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import { customerRpc, type CustomerView } from '@shop/contracts';
import { jsonBody, resumeTrace } from '@shop/platform';
import type { CustomerUseCases } from '../../domain/customers.use-cases';
import { callerOf } from './auth.middleware';
import { pathId, validate } from './validate';

export const createCustomerBody = customerRpc.create.schema.required();
// The id comes from the path; a body that names one is refused rather than silently overridden.
export const updateCustomerBody = customerRpc.update.schema.keys({ customerId: Joi.forbidden() }).required();

const toCustomerResponse = ({ customerId, name, email, status, shippingAddress, createdAt }: CustomerView) => ({
  customerId,
  name,
  email,
  status,
  shippingAddress,
  createdAt,
});

export interface CustomersRouteDeps {
  customers: CustomerUseCases;
  authenticated: RequestHandler;
  admin: RequestHandler;
}

export function customersRoutes({ customers, authenticated, admin }: CustomersRouteDeps): Router {
  const router = Router();

  router.get('/v1/customers/me', authenticated, resumeTrace, async (_req, res) => {
    res.json(toCustomerResponse(await customers.me(callerOf(res).customerId)));
  });

  router.post('/v1/customers', admin, ...jsonBody('16kb'), resumeTrace, async (req, res) => {
    const customer = await customers.create(validate(createCustomerBody, req.body));
    res.status(201).location(`/v1/customers/${customer.customerId}`).json(toCustomerResponse(customer));
  });

  router.patch('/v1/customers/:id', admin, ...jsonBody('16kb'), resumeTrace, async (req, res) => {
    const customerId = pathId(req.params.id, 'Customer');
    const customer = await customers.update({ ...validate<object>(updateCustomerBody, req.body), customerId });
    res.json(toCustomerResponse(customer));
  });

  return router;
}
