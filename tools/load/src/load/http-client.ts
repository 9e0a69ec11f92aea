import { Pool } from 'undici';

export interface JsonReply<T = any> {
  status: number;
  body: T;
}

/** A keep-alive pool to the gateway; connections bound how many requests are in flight. */
export function createGatewayPool(gatewayUrl: string, connections: number): Pool {
  const url = new URL(gatewayUrl);
  // Loopback only: a load test must never be pointed at someone else's server.
  if (!(/^127\.\d+\.\d+\.\d+$/.test(url.hostname) || ['localhost', '[::1]'].includes(url.hostname))) {
    throw new Error(`refusing to load ${url.hostname}: the load tool drives loopback addresses only`);
  }
  return new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
}

export async function requestJson<T = any>(pool: Pool, method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown): Promise<JsonReply<T>> {
  const res = await pool.request({
    method,
    path,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a proxy error page, say): keep the text for the report
  }
  return { status: res.statusCode, body: parsed as T };
}
