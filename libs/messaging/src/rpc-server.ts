import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { AppError, context, contextFrom, inSpan, isDataError, SpanKind, SpanStatusCode, validationError, type Logger, type Metrics } from '@shop/platform';
import type { BrokerConnection } from './connection';
import { decode, encode } from './codec';
import { declareRpcQueue, type QueueType } from './topology';
import { closeChannel } from './close-channel';
import { messageTraceHeaders } from './trace-headers';

/** A joi schema or a compiled one: both validate and return `{ value, error }`. */
export interface MessageSchema {
  validate(value: unknown, options?: object): { value: unknown; error?: { details: Array<{ path: Array<string | number>; message: string }> } };
}

export interface RpcMethod {
  /** A joi schema or a compiled one: both validate and return `{ value, error }`. */
  schema: MessageSchema;
  handle: (input: any) => Promise<unknown>;
}

/** Binds a method of the contracts to its use case. */
export const rpcMethod = <I>(definition: { name: string; schema: MessageSchema }, handle: (input: I) => Promise<unknown>) =>
  [definition.name, { schema: definition.schema, handle }] as const;

export interface RpcServerOptions {
  broker: BrokerConnection;
  queue: string;
  logger: Logger;
  metrics: Metrics;
  prefetch: number;
  methods: ReadonlyArray<readonly [string, RpcMethod]>;
  /** The request queue's type: classic (the default) or quorum, as the work queues'. */
  queueType?: QueueType;
}

/**
 * Serves request/reply methods on one queue. Every request gets an answer: the result, or an
 * AppError shape for bad input and business refusals. Unknown errors are logged and answered
 * as internal errors; nothing a caller sends can crash the process.
 */
export class RpcServer {
  private channel?: Channel;
  private consumerTag?: string;
  private readonly methods: Map<string, RpcMethod>;
  private inFlight = 0;
  private idle?: () => void;

  constructor(private readonly options: RpcServerOptions) {
    this.methods = new Map(options.methods);
    // At zero from the start, as the batch consumer's: the first error is an increase alerts see.
    for (const outcome of ['ack', 'error']) options.metrics.messagesHandled.inc({ queue: options.queue, outcome }, 0);
  }

  get isConsuming(): boolean {
    return this.consumerTag !== undefined;
  }

  async start(): Promise<void> {
    await this.options.broker.use((connection) => this.open(connection));
  }

  async stop(): Promise<void> {
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = undefined;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.channel = undefined;
    if (channel) await closeChannel(channel);
  }

  private async open(connection: ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    channel.on('error', (err) => this.options.logger.warn({ err: err.message }, 'rpc server channel error'));
    channel.on('close', () => {
      if (this.channel === channel) {
        this.channel = undefined;
        this.consumerTag = undefined;
      }
    });
    await declareRpcQueue(channel, this.options.queue, this.options.queueType);
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.options.queue, (m) => m && void this.onRequest(channel, m), { noAck: false });
    this.consumerTag = consumerTag;
  }

  private async onRequest(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { queue, metrics } = this.options;
    const started = process.hrtime.bigint();
    this.inFlight += 1;
    let outcome = 'ack';
    try {
      const method = String(message.properties.type);
      // A SERVER span under the caller's; the reply carries its context back (the caller links it).
      await inSpan(
        method,
        {
          kind: SpanKind.SERVER,
          parent: contextFrom(message.properties.headers),
          attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': queue, 'rpc.method': method },
        },
        async (span) => {
          // The server span's context, taken before the await (it may be gone after it).
          const traced = context.active();
          const reply = await this.answer(message);
          const { replyTo, correlationId } = message.properties;
          if (replyTo) channel.sendToQueue(replyTo, encode(reply), { correlationId, contentType: 'application/json', headers: messageTraceHeaders(traced) });
          if (!reply.ok) {
            span.setAttribute('error.type', reply.error.code);
            if (reply.error.status >= 500) {
              outcome = 'error';
              span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.message });
            }
          }
        },
      );
    } catch (err) {
      outcome = 'error';
      this.options.logger.error({ err }, 'rpc reply failed');
    } finally {
      try {
        channel.ack(message);
      } catch {
        // The channel closed; the request is redelivered or expires, and the caller retries.
      }
      this.inFlight -= 1;
      metrics.messagesHandled.inc({ queue, outcome });
      metrics.messageDuration.observe({ queue }, Number(process.hrtime.bigint() - started) / 1e9);
      if (this.inFlight === 0) this.idle?.();
    }
  }

  private async answer(message: ConsumeMessage) {
    try {
      const method = this.methods.get(String(message.properties.type));
      if (!method) throw new AppError('unknown-method', `Unknown method ${String(message.properties.type)}`, 400);
      const { value, error } = method.schema.validate(decode(message), { abortEarly: false, stripUnknown: false });
      if (error) throw validationError(error);
      return { ok: true as const, data: await method.handle(value) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, error: err.toJSON() };
      if ((err as Error).name === 'MalformedMessageError') {
        return { ok: false as const, error: new AppError('malformed-message', (err as Error).message, 400).toJSON() };
      }
      this.options.logger.error({ err, method: message.properties.type }, 'rpc handler failed');
      // The request's own data failed (a value the database refuses): 422 tells the caller that
      // sending it again cannot help, so a batch caller can isolate the item that carries it.
      if (isDataError(err)) return { ok: false as const, error: new AppError('unprocessable-data', 'The database refused the request data', 422).toJSON() };
      return { ok: false as const, error: new AppError('internal-error', 'The service failed to handle the request', 500).toJSON() };
    }
  }
}
