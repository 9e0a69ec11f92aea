import type Joi from 'joi';
import { PROBLEM_JSON, problemSchema } from '../http';
import { joiToJsonSchema, type JsonSchema } from './json-schema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** The body's joi schema; a schema named in DocumentSpec.schemas becomes a $ref to it. */
  body?: Joi.Schema;
  /** The media types of the body (application/json when omitted). */
  contentTypes?: string[];
  /** Names from DocumentSpec.headers. */
  headers?: string[];
  /** OpenAPI links: what this answer lets a client call next, and with which of its values. */
  links?: Record<string, LinkSpec>;
}

/** A link to another operation of the document, its values given as OpenAPI runtime expressions. */
export interface LinkSpec {
  operationId: string;
  description: string;
  /** Path parameters of the target, e.g. `{ id: '$response.body#/orderId' }`. */
  parameters?: Record<string, string>;
  /** The target's body; strings in it may be runtime expressions. */
  requestBody?: unknown;
}

export interface OperationSpec {
  method: HttpMethod;
  /** As Express registers it: `/v1/orders/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call: omitted for anyone; roles need a bearer token carrying one of them. */
  roles?: string[];
  /** One joi schema per `:param` of the path. */
  params?: Record<string, Joi.Schema>;
  query?: Joi.ObjectSchema;
  /** Names from DocumentSpec.parameters (request headers). */
  headers?: string[];
  /** The JSON body's joi schema. */
  body?: Joi.Schema;
  responses: Record<number, ResponseSpec>;
  /** The problem+json answers, as the `code` values each status can carry. */
  problems: Record<number, string[]>;
  /** Headers (names from DocumentSpec.headers) some problem answers carry, by status. */
  problemHeaders?: Record<number, string[]>;
}

export interface DocumentSpec {
  info: { title: string; version: string; description: string; license?: { name: string; identifier: string } };
  tags: Array<{ name: string; description: string }>;
  bearer: { description: string };
  schemas: Record<string, Joi.Schema>;
  headers: Record<string, { description: string; schema: Joi.Schema }>;
  parameters: Record<string, { description: string; schema: Joi.Schema }>;
  /** Headers every answer of an operation with roles carries (names from headers). */
  everyAuthenticatedResponse: string[];
  operations: OperationSpec[];
}

/** `/v1/orders/:id` as OpenAPI writes it: `/v1/orders/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${encodeURIComponent(name)}` });

/**
 * An OpenAPI 3.1 document built from joi schemas (joiToJsonSchema): the one source of the
 * validation is the one source of the document. Every problem answer is the platform's
 * problem+json with the `code` values listed for it; a 503 or 429 carries Retry-After, as errorHandler and the rate limit set it.
 */
export function buildOpenApiDocument(spec: DocumentSpec): JsonSchema {
  const names = new Map<Joi.Schema, string>(Object.entries(spec.schemas).map(([name, schema]) => [schema, name]));
  const schemaOf = (schema: Joi.Schema) => (names.has(schema) ? ref('schemas', names.get(schema)!) : joiToJsonSchema(schema));
  const headerRefs = (list: string[] = []) =>
    Object.fromEntries(
      list.map((name) => {
        if (!spec.headers[name]) throw new Error(`the header ${name} is not declared`);
        return [name, ref('headers', name)];
      }),
    );

  const problem = (op: OperationSpec, status: number, codes: string[]) => {
    const names = [...(status === 503 || status === 429 ? ['Retry-After'] : []), ...(op.problemHeaders?.[status] ?? []), ...(op.roles ? spec.everyAuthenticatedResponse : [])];
    return {
      description: codes.join(', '),
      ...(names.length > 0 ? { headers: headerRefs(names) } : {}),
      content: { [PROBLEM_JSON]: { schema: { allOf: [ref('schemas', 'Problem'), { properties: { code: { enum: codes } } }] } } },
    };
  };

  const links = (op: OperationSpec, list: Record<string, LinkSpec>) =>
    Object.fromEntries(
      Object.entries(list).map(([name, link]) => {
        const target = spec.operations.find((o) => o.operationId === link.operationId);
        if (!target) throw new Error(`${op.operationId}: the link ${name} names no operation ${link.operationId}`);
        for (const param of Object.keys(link.parameters ?? {})) {
          if (!target.params?.[param]) throw new Error(`${op.operationId}: the link ${name} sets ${param}, which ${target.operationId} has no path parameter for`);
        }
        return [name, link];
      }),
    );

  const response = (op: OperationSpec, r: ResponseSpec) => {
    const headers = headerRefs([...(r.headers ?? []), ...(op.roles ? spec.everyAuthenticatedResponse : [])]);
    const body = r.body ? schemaOf(r.body) : undefined;
    return {
      description: r.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(body ? { content: Object.fromEntries((r.contentTypes ?? ['application/json']).map((type) => [type, { schema: body }])) } : {}),
      ...(r.links ? { links: links(op, r.links) } : {}),
    };
  };

  const parameters = (op: OperationSpec) => {
    const inPath = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
    const declared = Object.keys(op.params ?? {});
    if (inPath.join() !== declared.join()) throw new Error(`${op.operationId}: path parameters ${inPath.join()} but schemas for ${declared.join()}`);
    const query = op.query ? (joiToJsonSchema(op.query) as { properties: Record<string, JsonSchema>; required?: string[] }) : undefined;
    return [
      ...declared.map((name) => ({ name, in: 'path', required: true, schema: joiToJsonSchema(op.params![name]) })),
      ...Object.entries(query?.properties ?? {}).map(([name, schema]) => {
        const { description, ...rest } = schema;
        return { name, in: 'query', ...(description ? { description } : {}), required: query?.required?.includes(name) ?? false, schema: rest };
      }),
      ...(op.headers ?? []).map((name) => {
        if (!spec.parameters[name]) throw new Error(`the parameter ${name} is not declared`);
        return ref('parameters', name);
      }),
    ];
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of spec.operations) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    if (paths[path][op.method]) throw new Error(`${op.method.toUpperCase()} ${path} is declared twice`);
    for (const status of Object.keys(op.problems)) if (op.responses[Number(status)]) throw new Error(`${op.operationId}: ${status} is both a response and a problem`);
    const params = parameters(op);
    const roles = op.roles ? `Needs a bearer token with the role ${op.roles.join(' or ')}.` : '';
    const description = [op.description, roles].filter(Boolean).join('\n\n');
    paths[path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(description ? { description } : {}),
      tags: [op.tag],
      security: op.roles ? [{ bearerAuth: [] }] : [],
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
      responses: Object.fromEntries(
        [
          ...Object.entries(op.responses).map(([status, r]) => [status, response(op, r)] as const),
          ...Object.entries(op.problems).map(([status, codes]) => [status, problem(op, Number(status), codes)] as const),
        ].sort(([a], [b]) => Number(a) - Number(b)),
      ),
    };
  }

  return {
    openapi: '3.1.0',
    info: spec.info,
    servers: [{ url: '/' }],
    tags: spec.tags,
    paths,
    components: {
      schemas: { Problem: joiToJsonSchema(problemSchema), ...Object.fromEntries(Object.entries(spec.schemas).map(([name, schema]) => [name, joiToJsonSchema(schema)])) },
      headers: Object.fromEntries(Object.entries(spec.headers).map(([name, h]) => [name, { description: h.description, schema: joiToJsonSchema(h.schema) }])),
      parameters: Object.fromEntries(
        Object.entries(spec.parameters).map(([name, p]) => [name, { name, in: 'header', description: p.description, required: false, schema: joiToJsonSchema(p.schema) }]),
      ),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: spec.bearer.description } },
    },
  };
}
