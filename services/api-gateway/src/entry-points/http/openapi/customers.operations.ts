import { uuid } from '@shop/contracts';
import type { OperationSpec } from '@shop/platform';
import { createCustomerBody, updateCustomerBody } from '../customers.routes';
import { adminOnly, byId, internal, jsonBody, problems, signedIn, stored, upstream } from './problems';
import { customerSchema } from './response.schemas';

export const customersOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/v1/customers/me',
    operationId: 'getMe',
    summary: "Read the caller's customer record",
    description: 'A token whose subject has no customer record (an admin, say) gets 404.',
    tag: 'customers',
    roles: ['customer', 'admin'],
    responses: { 200: { description: 'The customer.', body: customerSchema } },
    problems: problems(internal, signedIn, upstream, { 404: ['not-found'] }),
  },
  {
    method: 'post',
    path: '/v1/customers',
    operationId: 'createCustomer',
    summary: 'Create a customer',
    tag: 'customers',
    roles: ['admin'],
    body: createCustomerBody,
    responses: {
      201: {
        description: 'Created.',
        body: customerSchema,
        headers: ['Location'],
        links: { updateCustomer: { operationId: 'updateCustomer', description: 'Change this customer.', parameters: { id: '$response.body#/customerId' } } },
      },
    },
    problems: problems(internal, adminOnly, jsonBody, upstream, stored, { 409: ['email-taken'] }),
  },
  {
    method: 'patch',
    path: '/v1/customers/:id',
    operationId: 'updateCustomer',
    summary: "Change a customer's name, status or default shipping address",
    description: 'A shippingAddress of null removes the default address.',
    tag: 'customers',
    roles: ['admin'],
    params: { id: uuid },
    body: updateCustomerBody,
    responses: { 200: { description: 'The changed customer.', body: customerSchema } },
    problems: problems(internal, adminOnly, byId, jsonBody, upstream, stored),
  },
];
