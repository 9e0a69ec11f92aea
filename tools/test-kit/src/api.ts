import { randomUUID } from 'node:crypto';
import { tokenFor } from './tokens';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin client for the public API, as a customer or an admin would call it. */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  static async asAdmin(baseUrl: string): Promise<Api> {
    return new Api(baseUrl, await tokenFor(randomUUID(), 'admin'));
  }

  static async asCustomer(baseUrl: string, customerId: string): Promise<Api> {
    return new Api(baseUrl, await tokenFor(customerId));
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', path, body, headers);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);

  async createProduct(price: number, stock: number, name = `Test product ${randomUUID().slice(0, 8)}`): Promise<string> {
    const reply = await this.post('/v1/products', { name, price, stock });
    if (reply.status !== 201) throw new Error(`create product: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.productId;
  }

  async createCustomer(overrides: Record<string, unknown> = {}): Promise<string> {
    const id = randomUUID().slice(0, 12);
    const reply = await this.post('/v1/customers', {
      name: `Test Customer ${id}`,
      email: `test-${id}@example.com`,
      shippingAddress: { line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
      ...overrides,
    });
    if (reply.status !== 201) throw new Error(`create customer: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.customerId;
  }

  async available(productId: string): Promise<number> {
    const reply = await this.get(`/v1/products/${productId}`);
    if (reply.status !== 200) throw new Error(`get product: ${reply.status}`);
    return reply.body.available;
  }

  /** Polls until the order leaves PENDING (or the deadline passes) and returns it. */
  async settledOrder(orderId: string, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await this.get(`/v1/orders/${orderId}`);
      if (reply.status === 200 && reply.body.status !== 'PENDING') return reply.body;
      if (Date.now() > deadline) throw new Error(`order ${orderId} still ${reply.status} ${JSON.stringify(reply.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
