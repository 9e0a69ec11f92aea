import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { contextFrom, inSpan, isLink, linkTo, ROOT_CONTEXT, SpanKind, type Context, type Logger, type Metrics } from '@shop/platform';
import { closeChannel } from './close-channel';
import type { BrokerConnection } from './connection';
import { mechanicsExchanges, retryRoutingKey, retryTier } from './topology';

/** What became of one message: done, never processable, or worth another try later. */
export type Settlement =
  | { outcome: 'ack' }
  /** `content`, when given, replaces the body that goes to the dead-letter queue (the part that failed). */
  | { outcome: 'dead_letter'; reason: string; content?: Buffer }
  | { outcome: 'retry'; reason: string }
  /** A redelivered message goes back to the end of its queue with its delivery count, unprocessed. */
  | { outcome: 'requeue'; deliveries: number };

export const ack: Settlement = { outcome: 'ack' };
export const deadLetter = (reason: string, content?: Buffer): Settlement => ({ outcome: 'dead_letter', reason, ...(content ? { content } : {}) });
export const retry = (reason: string): Settlement => ({ outcome: 'retry', reason });

export interface BatchConsumerOptions {
  broker: BrokerConnection;
  queue: string;
  logger: Logger;
  metrics: Metrics;
  /** Unacked messages the broker may push to us; a batch never exceeds it. */
  prefetch: number;
  batchSize: number;
  maxWaitMs: number;
  /** Retries beyond this go to the dead-letter queue. */
  maxRetries?: number;
  /** Redeliveries (the consumer died holding the message) beyond this go to the dead-letter queue. */
  deliveryLimit?: number;
  /** Declares the queue this consumer reads, on every (re)connect. */
  declare: (channel: ConfirmChannel) => Promise<void>;
  /** Handles a batch and settles each message; it must not throw for a single bad message. */
  handle: (messages: ConsumeMessage[]) => Promise<Settlement[]>;
}

/** The trace context a message carries in its headers (the empty root context when none). */
export const messageContext = (message: ConsumeMessage): Context => contextFrom(message.properties.headers);

const RETRY_HEADER = 'x-retry-count';
const REDELIVERY_HEADER = 'x-redelivery-count';
const REASON_HEADER = 'x-dead-letter-reason';

/**
 * Consumes with manual acks in micro-batches: up to batchSize messages or maxWaitMs, one handler
 * call per batch, then settlement. Retries and dead letters are republished with confirms before
 * the original is acked, so a crash in between duplicates a message but never loses it.
 */
export class BatchConsumer {
  private channel?: ConfirmChannel;
  private consumerTag?: string;
  private buffer: ConsumeMessage[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(private readonly options: BatchConsumerOptions) {
    // Exported at zero from the start: the first dead letter or retry is then an increase that
    // rate() and alerts see, and a dashboard's "by outcome" query has its series before it happens.
    for (const outcome of ['ack', 'dead_letter', 'retry']) options.metrics.messagesHandled.inc({ queue: options.queue, outcome }, 0);
  }

  get isConsuming(): boolean {
    return this.channel !== undefined && this.consumerTag !== undefined && !this.stopping;
  }

  async start(): Promise<void> {
    await this.options.broker.use((connection) => this.open(connection));
  }

  /** Stops taking deliveries, finishes what it holds, and closes its channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    clearTimeout(this.timer);
    while (this.running || this.buffer.length > 0) {
      if (this.running) await this.running;
      else this.flush();
    }
    this.channel = undefined;
    if (channel) await closeChannel(channel);
  }

  private async open(connection: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err) => this.options.logger.warn({ err: err.message }, 'consumer channel error'));
    channel.on('close', () => {
      if (this.channel !== channel) return;
      // Unacked deliveries of a closed channel are requeued by the broker; drop our copies.
      this.channel = undefined;
      this.consumerTag = undefined;
      this.buffer = [];
      // A channel can close while its connection lives (a channel error, or process() closing it
      // after a failed settlement): consume again on a new one. When the connection itself is
      // gone, this fails and the reconnect opens the channel instead.
      if (!this.stopping) this.open(connection).catch((err: Error) => this.options.logger.debug({ err: err.message }, 'consumer not reopened on this connection'));
    });
    await this.options.declare(channel);
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.options.queue, (message) => message && this.onMessage(channel, message), {
      noAck: false,
    });
    this.consumerTag = consumerTag;
  }

  private onMessage(channel: ConfirmChannel, message: ConsumeMessage): void {
    if (channel !== this.channel) return;
    this.buffer.push(message);
    if (this.running) return;
    if (this.buffer.length >= this.options.batchSize) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.buffer.length === 0) return;
    const channel = this.channel;
    const batch = this.buffer.splice(0, this.options.batchSize);
    if (!channel) return;
    this.running = this.process(channel, batch).finally(() => {
      this.running = undefined;
      if (this.buffer.length >= this.options.batchSize || (this.buffer.length > 0 && this.stopping)) this.flush();
      else if (this.buffer.length > 0) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private async process(channel: ConfirmChannel, batch: ConsumeMessage[]): Promise<void> {
    const { logger, metrics, queue } = this.options;
    const started = process.hrtime.bigint();
    const early = batch.map((m) => this.redeliveryCheck(m));
    const fresh = batch.filter((_, i) => early[i] === undefined);
    let handled: Settlement[] = [];
    if (fresh.length > 0) {
      try {
        handled = await this.handleTraced(fresh);
      } catch (err) {
        logger.warn({ err, size: fresh.length }, 'batch failed, retrying later');
        handled = fresh.map(() => retry((err as Error).message));
      }
    }
    let next = 0;
    const settlements = early.map((s) => s ?? handled[next++]);
    try {
      await this.settle(channel, batch, settlements);
    } catch (err) {
      // Unsettled messages hold their prefetch slots for as long as the channel lives: with the
      // channel still open, the consumer would stall. Closing it makes the broker redeliver the
      // batch (the handlers are idempotent) and the close handler consumes again. Not awaited
      // without bound: a node that pauses itself nacks, then never answers the close, and this
      // batch would hold the consumer for good (closeChannel).
      logger.warn({ err: (err as Error).message, messages: batch.length }, 'could not settle batch; closing the channel so that it is redelivered');
      metrics.messagesHandled.inc({ queue, outcome: 'unsettled' }, batch.length);
      if (this.channel === channel) await closeChannel(channel);
      return;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const s of settlements) metrics.messagesHandled.inc({ queue, outcome: s.outcome });
    metrics.messageDuration.observe({ queue }, seconds);
  }

  /**
   * The handler runs in one span per batch (OpenTelemetry's batch processing): linked to every
   * message's context, and the child of it when the batch is a single message, so that a lone
   * message's trace simply continues.
   */
  private handleTraced(messages: ConsumeMessage[]): Promise<Settlement[]> {
    const contexts = messages.map(messageContext);
    // A lone message is the parent, not a link (a link to the parent itself reads as a second parent).
    const links = messages.length === 1 ? [] : contexts.map((ctx) => linkTo(ctx)).filter(isLink);
    return inSpan(
      `process ${this.options.queue}`,
      {
        kind: SpanKind.CONSUMER,
        parent: messages.length === 1 ? contexts[0] : ROOT_CONTEXT,
        links,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': this.options.queue,
          'messaging.batch.message_count': messages.length,
        },
      },
      () => this.options.handle(messages),
    );
  }

  /**
   * A redelivered message was held by a consumer that died or lost its channel. Classic queues do
   * not count deliveries, so the count travels in a header: the message is republished once more
   * with the count raised, and a message that keeps coming back (one that crashes its consumer)
   * goes to the dead-letter queue instead of looping forever.
   */
  private redeliveryCheck(message: ConsumeMessage): Settlement | undefined {
    if (!message.fields.redelivered) return undefined;
    const deliveries = Number(message.properties.headers?.[REDELIVERY_HEADER] ?? 0) + 1;
    const limit = this.options.deliveryLimit ?? 5;
    if (deliveries > limit) return deadLetter(`redelivered ${deliveries} times without being settled`);
    return { outcome: 'requeue', deliveries };
  }

  private async settle(channel: ConfirmChannel, batch: ConsumeMessage[], settlements: Settlement[]): Promise<void> {
    const maxRetries = this.options.maxRetries ?? 5;
    const republished: Array<Promise<void>> = [];
    const retried: string[] = [];
    batch.forEach((message, i) => {
      const settlement = settlements[i];
      if (settlement.outcome === 'ack') return;
      if (settlement.outcome === 'requeue') {
        republished.push(this.republish(channel, message, '', this.options.queue, { [REDELIVERY_HEADER]: settlement.deliveries }));
        return;
      }
      const retries = Number(message.properties.headers?.[RETRY_HEADER] ?? 0);
      const giveUp = settlement.outcome === 'dead_letter' || retries >= maxRetries;
      const reason = giveUp && settlement.outcome === 'retry' ? `gave up after ${retries} retries: ${settlement.reason}` : settlement.reason;
      const headers = giveUp ? { [REASON_HEADER]: reason, 'x-original-queue': this.options.queue } : { [RETRY_HEADER]: retries + 1 };
      // A dead letter is a message the platform gave up on: an operator must hear of it.
      if (giveUp) this.options.logger.error({ messageId: message.properties.messageId, queue: this.options.queue, reason }, 'dead-lettering message');
      else retried.push(settlement.reason);
      const [exchange, routingKey] = giveUp ? [mechanicsExchanges.deadLetter, this.options.queue] : [mechanicsExchanges.retry, retryRoutingKey(this.options.queue, retryTier(retries))];
      const content = settlement.outcome === 'dead_letter' ? settlement.content : undefined;
      republished.push(this.republish(channel, message, exchange, routingKey, headers, content));
    });
    // One line per batch, not per message: a broker or database outage retries thousands.
    if (retried.length > 0) this.options.logger.warn({ queue: this.options.queue, messages: retried.length, reasons: [...new Set(retried)].slice(0, 5) }, 'retrying messages later');
    await Promise.all(republished);
    if (batch.length > 0) channel.ack(batch[batch.length - 1], true);
  }

  private republish(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    headers: Record<string, unknown>,
    content = message.content,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.publish(exchange, routingKey, content, { ...message.properties, headers: { ...message.properties.headers, ...headers } }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }
}
