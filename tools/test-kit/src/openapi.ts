import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  body: unknown;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks requests and answers against an OpenAPI 3.1 document with a JSON Schema 2020-12
 * validator: the test side of "the document says what the gateway does".
 */
export function openApiChecker(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const compiled = new Map<string, ValidateFunction>();
  const validator = (path: string) => {
    if (!compiled.has(path)) compiled.set(path, ajv.compile({ $ref: `openapi.json#/${path}` }));
    return compiled.get(path)!;
  };
  const errorsOf = (path: string, value: unknown): string[] => {
    const check = validator(path);
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
  };

  /** The document's path template that a concrete path matches: /v1/orders/abc -> /v1/orders/{id}. */
  const templateOf = (method: string, concrete: string): string => {
    const path = concrete.split('?')[0];
    const candidates = Object.keys(document.paths).filter((template) => document.paths[template][method]);
    const exact = candidates.find((t) => t === path);
    if (exact) return exact;
    const match = candidates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
    if (!match) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return match;
  };

  return {
    templateOf,

    /** The schema errors of a JSON request body (empty when it is valid). */
    requestBodyErrors(method: string, path: string, body: unknown): string[] {
      const m = method.toLowerCase();
      return errorsOf(pointer('paths', templateOf(m, path), m, 'requestBody', 'content', 'application/json', 'schema'), body);
    },

    /**
     * What is wrong with an answer: a status the operation does not list, another media type, a
     * body its schema refuses, a header its schema refuses. Empty when it conforms.
     */
    answerErrors(method: string, path: string, answer: Answer): string[] {
      const m = method.toLowerCase();
      const template = templateOf(m, path);
      const where = `${m.toUpperCase()} ${template} ${answer.status}`;
      const response = document.paths[template][m].responses[String(answer.status)];
      if (!response) return [`${where}: status not documented`];
      const problems: string[] = [];
      const type = (answer.headers.get('content-type') ?? '').split(';')[0].trim();
      const content = response.content as Json | undefined;
      if (content && !content[type]) problems.push(`${where}: content-type ${type} not documented (${Object.keys(content).join(', ')})`);
      if (content?.[type] && /json/.test(type)) {
        for (const e of errorsOf(pointer('paths', template, m, 'responses', String(answer.status), 'content', type, 'schema'), answer.body)) problems.push(`${where}: ${e}`);
      }
      for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
        const value = answer.headers.get(name);
        if (value === null) continue;
        const ref = String(header.$ref ?? '').replace(/^#\//, '');
        const schemaPath = ref ? `${ref}/schema` : pointer('paths', template, m, 'responses', String(answer.status), 'headers', name, 'schema');
        const parsed = /^\d+$/.test(value) ? Number(value) : value;
        for (const e of errorsOf(schemaPath, parsed)) problems.push(`${where}: header ${name}: ${e}`);
      }
      return problems;
    },
  };
}
