import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import {
  context,
  failSpan,
  SpanKind,
  spanContextOf,
  startSpan,
  traceHeaders,
  unavailable,
  unconfirmed,
  withSpan,
  type Attributes,
  type Context,
  type Link,
  type Logger,
  type Span,
} from '@shop/platform';
import type { BrokerConnection } from './connection';
import { encode } from './codec';
import { closeChannel } from './close-channel';
import { messageTraceHeaders } from './trace-headers';

export interface PublishOptions {
  messageId: string;
  type: string;
  mandatory?: boolean;
  headers?: Record<string, unknown>;
  /**
   * The send span's parent (default: the active context) and links. A message whose parent holds
   * no span and that has no links is sent untraced: a background loop starts no trace of its own.
   */
  trace?: { parent?: Context; links?: Link[]; attributes?: Attributes };
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Publishes persistent messages and resolves only when the broker confirmed them. Many publishes
 * stay in flight at once; a nack, a return (unroutable with mandatory), a closed channel, a
 * blocked connection or a timeout all reject, so a caller never reports success for a message
 * the broker did not take. The rejection says whether the message may still exist: `unavailable`
 * (service-unavailable) only when it never left this process or came back returned, `unconfirmed`
 * (publish-unconfirmed) for everything that happens after it was written.
 */
export class ConfirmPublisher {
  private channel?: ConfirmChannel;
  /** Returned (unroutable) messages by message id; a return always arrives before its confirm. */
  private readonly returned = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
    private readonly setup: (channel: ConfirmChannel) => Promise<void> = async () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.broker.use((connection) => this.open(connection));
  }

  get isReady(): boolean {
    return this.channel !== undefined && !this.broker.isBlocked;
  }

  /** Without a channel (the connection moving to another node), waits for it a moment first. */
  publish(exchange: string, routingKey: string, body: unknown, options: PublishOptions): Promise<void> {
    if (this.channel || this.broker.isBlocked) return this.publishNow(exchange, routingKey, body, options);
    return this.broker.reconnected(this.timeoutMs).then(() => this.publishNow(exchange, routingKey, body, options));
  }

  private publishNow(exchange: string, routingKey: string, body: unknown, options: PublishOptions): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(unavailable('The message broker is not reachable'));
    if (this.broker.isBlocked) return Promise.reject(unavailable('The message broker is refusing messages'));
    const key = (this.sequence = (this.sequence + 1) % Number.MAX_SAFE_INTEGER);
    const span = this.sendSpan(exchange, routingKey, options);
    const traced = span && withSpan(context.active(), span);
    const headers = !traced ? options.headers : options.headers ? { ...options.headers, ...traceHeaders(traced) } : messageTraceHeaders(traced);
    const sent = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(key, unconfirmed('The message broker did not confirm in time')), this.timeoutMs);
      this.pending.set(key, { resolve, reject, timer });
      const properties: Options.Publish = {
        persistent: true,
        mandatory: options.mandatory ?? false,
        messageId: options.messageId,
        type: options.type,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
        headers,
      };
      try {
        // Past this call the bytes may have reached the broker, so every failure reported from
        // here on is "unconfirmed", never a refusal: amqplib fails the callbacks of a closed channel
        // (a cut connection whose confirms were lost with it) before our own close handler runs,
        // and a nack only says the broker refuses responsibility (a queue that died after writing
        // the message may still deliver it).
        channel.publish(exchange, routingKey, encode(body), properties, (err) => {
          if (err) return this.settle(key, unconfirmed(err.message === 'message nacked' ? 'The message broker nacked the message' : 'The broker connection closed before confirming', err));
          if (this.takeReturned(options.messageId)) return this.settle(key, unavailable(`No queue is bound for ${routingKey}`));
          this.settle(key);
        });
      } catch (err) {
        // amqplib throws before writing a frame (a closed channel): nothing left.
        this.settle(key, unavailable('The message broker is not reachable', err));
      }
    });
    if (!span) return sent;
    return sent.then(
      () => span.end(),
      (err: Error) => {
        failSpan(span, err);
        span.end();
        throw err;
      },
    );
  }

  private sendSpan(exchange: string, routingKey: string, options: PublishOptions): Span | undefined {
    const parent = options.trace?.parent ?? context.active();
    const links = options.trace?.links ?? [];
    if (!spanContextOf(parent) && links.length === 0) return undefined;
    return startSpan(
      `send ${exchange || routingKey}`,
      {
        kind: SpanKind.PRODUCER,
        links,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': exchange || routingKey,
          'messaging.rabbitmq.destination.routing_key': routingKey,
          'messaging.message.id': options.messageId,
          ...options.trace?.attributes,
        },
      },
      parent,
    );
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await closeChannel(channel);
  }

  private takeReturned(messageId: string): boolean {
    const count = this.returned.get(messageId);
    if (!count) return false;
    if (count === 1) this.returned.delete(messageId);
    else this.returned.set(messageId, count - 1);
    return true;
  }

  private settle(key: number, error?: Error): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private async open(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err) => this.logger.warn({ err: err.message }, 'publisher channel error'));
    channel.on('return', (message) => {
      const id = String(message.properties.messageId);
      this.returned.set(id, (this.returned.get(id) ?? 0) + 1);
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      for (const key of [...this.pending.keys()]) this.settle(key, unconfirmed('The broker connection closed before confirming'));
    });
    await this.setup(channel);
    this.channel = channel;
  }
}
