import Joi from 'joi';
import type { OperationSpec } from '@shop/platform';
import { docsAssetSchema } from '../api-docs.routes';
import { internal, problems } from './problems';
import { healthSchema, readinessSchema } from './response.schemas';

const text = Joi.string();

/** The routes beside the API: probes, metrics, and this document with its reference page. */
export const serviceOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness',
    description: 'Answers while the event loop turns; never looks at the broker.',
    tag: 'service',
    responses: { 200: { description: 'Alive.', body: healthSchema } },
    problems: internal,
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness',
    tag: 'service',
    responses: {
      200: { description: 'Connected to the broker and not draining.', body: readinessSchema },
      503: { description: 'Not ready: the broker is unreachable or the process is draining.', body: readinessSchema },
    },
    problems: internal,
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'service',
    // OpenMetrics, the Prometheus text format with exemplars (libs/platform/src/metrics.ts).
    responses: { 200: { description: 'OpenMetrics text: the Prometheus samples, with exemplars on some histograms.', body: text, contentTypes: ['application/openmetrics-text'] } },
    problems: internal,
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'service',
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', body: Joi.object().unknown(true) } },
    problems: internal,
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'apiReference',
    summary: 'The API reference page',
    description: 'Swagger UI over /openapi.json, served by the gateway itself.',
    tag: 'service',
    responses: { 200: { description: 'An HTML page.', body: text, contentTypes: ['text/html'] } },
    problems: internal,
  },
  {
    method: 'get',
    path: '/docs/:asset',
    operationId: 'apiReferenceAsset',
    summary: 'A script or style sheet of the API reference page',
    tag: 'service',
    params: { asset: docsAssetSchema },
    responses: { 200: { description: 'The file.', body: text, contentTypes: ['text/css', 'text/javascript'] } },
    problems: problems(internal, { 404: ['not-found'] }),
  },
];
