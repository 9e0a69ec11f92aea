import type { Channel, ChannelModel } from 'amqplib';
import {
  AppError,
  context,
  contextFrom,
  failSpan,
  linkTo,
  SpanKind,
  startSpan,
  unavailable,
  withSpan,
  type AppErrorShape,
  type Context,
  type Logger,
  type Metrics,
} from '@shop/platform';
import type { BrokerConnection } from './connection';
import { encode } from './codec';
import { closeChannel } from './close-channel';
import { messageTraceHeaders } from './trace-headers';

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: AppErrorShape };

/** A method as the caller knows it: its name and the contract its reply must meet (a joi or compiled schema). */
export interface RpcCall<T> {
  name: string;
  reply: { validate(value: unknown): { value: T; error?: { message: string } } };
}

interface Waiting {
  /** The reply's trace context (the server's span), for a link back. */
  resolve: (value: unknown, headers?: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

let sequence = 0;

/** A failed call's outcome label: the server's answer, or why none came. */
const outcomeOf = (err: unknown): string => {
  const code = (err as Partial<AppError>).code;
  if (code === 'upstream-timeout') return 'timeout';
  if (code === 'service-unavailable') return 'unavailable';
  return 'error';
};

/**
 * Request/reply over RabbitMQ with an exclusive reply queue per process. Requests expire with
 * their timeout, so a server never works on a request its caller has given up on.
 */
export class RpcClient {
  private channel?: Channel;
  private replyQueue?: string;
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly logger: Logger,
    private readonly defaultTimeoutMs: number,
    /** Each call's latency by method and outcome (rpc_client_duration_seconds), when given. */
    private readonly metrics?: Pick<Metrics, 'rpcClientDuration'>,
  ) {}

  async start(): Promise<void> {
    await this.broker.use((connection) => this.open(connection));
  }

  get isReady(): boolean {
    return this.channel !== undefined;
  }

  /**
   * One CLIENT span per call; the request carries its context, the reply the server's (linked).
   * The reply is checked against the method's contract: one that breaks it fails the call as an
   * upstream failure (502 bad-reply), so no caller works on a value only a type assertion vouched for.
   * `parent`: the trace context the call continues; the active one when not given.
   */
  async call<T>(queue: string, rpc: RpcCall<T>, payload: unknown, timeoutMs = this.defaultTimeoutMs, parent: Context = context.active()): Promise<T> {
    const method = rpc.name;
    const span = startSpan(
      method,
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': queue, 'rpc.method': method } },
      parent,
    );
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      // The connection moving to another node: wait for it, from the call's own time.
      if (!this.channel && (await this.broker.reconnected(timeoutMs / 2))) timeoutMs = Math.max(1, Math.floor(timeoutMs - Number(process.hrtime.bigint() - started) / 1e6));
      const data = await this.send(queue, method, payload, timeoutMs, withSpan(parent, span), (headers) => {
        const server = headers && linkTo(contextFrom(headers));
        if (server) span.addLink(server);
      });
      const { value, error } = rpc.reply.validate(data);
      if (error) throw new AppError('bad-reply', `The reply of ${method} breaks its contract: ${error.message}`, 502);
      return value;
    } catch (err) {
      outcome = outcomeOf(err);
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
      this.metrics?.rpcClientDuration.observe({ method, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async send(
    queue: string,
    method: string,
    payload: unknown,
    timeoutMs: number,
    traced: Context,
    onReplyHeaders: (headers: Record<string, unknown> | undefined) => void,
  ): Promise<unknown> {
    const channel = this.channel;
    const replyTo = this.replyQueue;
    if (!channel || !replyTo) throw unavailable('The message broker is not reachable');
    sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
    const correlationId = `${process.pid}-${Date.now()}-${sequence}`;
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(new AppError('upstream-timeout', `${method} did not answer within ${timeoutMs} ms`, 503));
      }, timeoutMs);
      this.waiting.set(correlationId, {
        resolve: (value, headers) => {
          onReplyHeaders(headers);
          resolve(value);
        },
        reject,
        timer,
      });
    });
    try {
      channel.sendToQueue(queue, encode(payload), {
        correlationId,
        replyTo,
        type: method,
        expiration: String(timeoutMs),
        contentType: 'application/json',
        mandatory: true,
        headers: messageTraceHeaders(traced),
      });
    } catch (err) {
      // The channel closed under us. Nothing will settle the reply now: drop its waiter and timer
      // so that no rejection is left without a handler (that would take the process down).
      const waiting = this.waiting.get(correlationId);
      if (waiting) clearTimeout(waiting.timer);
      this.waiting.delete(correlationId);
      throw unavailable('The message broker is not reachable', err);
    }
    const answer = (await reply) as RpcReply<unknown>;
    if (!answer.ok) throw AppError.from(answer.error);
    return answer.data;
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    this.failAll('The RPC client is closing');
    if (channel) await closeChannel(channel);
  }

  private failAll(reason: string): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(unavailable(reason));
      this.waiting.delete(id);
    }
  }

  private async open(connection: ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    channel.on('error', (err) => this.logger.warn({ err: err.message }, 'rpc client channel error'));
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.failAll('The broker connection was lost');
    });
    channel.on('return', (message) => {
      const w = this.waiting.get(message.properties.correlationId);
      if (!w) return;
      clearTimeout(w.timer);
      this.waiting.delete(message.properties.correlationId);
      w.reject(unavailable(`No server is listening on ${message.fields.routingKey}`));
    });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        channel.ack(message);
        const w = this.waiting.get(message.properties.correlationId);
        if (!w) return;
        clearTimeout(w.timer);
        this.waiting.delete(message.properties.correlationId);
        try {
          w.resolve(JSON.parse(message.content.toString('utf8')), message.properties.headers);
        } catch {
          w.reject(new AppError('bad-reply', 'The upstream reply was not valid JSON', 502));
        }
      },
      { noAck: false },
    );
    this.channel = channel;
    this.replyQueue = queue;
  }
}
