import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from '@shop/platform';
import { coalesceWrites } from './coalesce-writes';

type Setup = (connection: ChannelModel) => Promise<void>;

export interface BrokerOptions {
  /** One broker, or every node of a cluster: a lost connection reconnects to the next node. */
  url: string | readonly string[];
  /** Shown in the RabbitMQ management UI, so an operator can tell the services apart. */
  name: string;
  logger: Logger;
  maxBackoffMs?: number;
  /** How long a publish or a call waits for a lost connection to come back before refusing. */
  reconnectWaitMs?: number;
  /**
   * After an established connection is lost, how long to wait before connecting again (0 by
   * default). With quorum queues the node that went away may have led some of them: RabbitMQ 3.10
   * confirms, and then drops, what a channel publishes to a quorum queue for the first time while
   * that queue is still electing a new leader (docs/reliability.md). The wait keeps the first
   * publishes of the new connection's channels out of that window.
   */
  settleMs?: number;
}

/** The URL without its password, for logs. */
const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * One AMQP connection per process that reconnects by itself. Each component registers a setup
 * that (re)creates its channels and topology, so after a broker restart everything resumes
 * without a process restart. Given a cluster's nodes, it connects to one and, when that
 * connection is lost, to the next: at once while untried nodes remain, with backoff once every
 * node has failed in a row.
 */
export class BrokerConnection {
  private connection?: ChannelModel;
  private readonly setups: Setup[] = [];
  private closing = false;
  private blocked = false;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  /** A connect (with its setups) is under way; it alone decides what happens if it fails. */
  private connecting = false;
  private readonly waiters: Array<() => void> = [];
  private readonly urls: readonly string[];
  /** The node connected to, or to try next. */
  private node = 0;

  constructor(private readonly options: BrokerOptions) {
    this.urls = typeof options.url === 'string' ? [options.url] : options.url;
    if (this.urls.length === 0) throw new Error('BrokerConnection needs at least one URL');
    // Processes start at different nodes, as behind a Kubernetes Service, and spread the load.
    this.node = Math.floor(Math.random() * this.urls.length);
  }

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  /** While blocked (memory or disk alarm) publishes would hang, so publishers refuse fast. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Registers a setup; it runs now if connected and again after every reconnect. */
  async use(setup: Setup): Promise<void> {
    this.setups.push(setup);
    if (this.connection) await setup(this.connection);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /** Resolves once connected (or immediately if already). */
  waitForConnection(): Promise<void> {
    if (this.connection) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Waits, at most reconnectWaitMs (1500 by default) and at most `limitMs`, for a lost connection
   * to be back with every setup run again; false when it is not. A publish or a call that finds no
   * channel uses it, so that moving to another node is a delay, not a refusal.
   */
  async reconnected(limitMs = Infinity): Promise<boolean> {
    if (this.closing) return false;
    const timeoutMs = Math.min(limitMs, this.options.reconnectWaitMs ?? 1500);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.waitForConnection().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closing || this.connecting) return;
    this.connecting = true;
    const { logger, name } = this.options;
    const url = this.urls[this.node];
    try {
      // Nagle's algorithm would hold each small frame (a reply, an ack) for the peer's delayed ACK,
      // about 40 ms per request/reply hop; frames are already batched where it matters. The
      // timeout bounds a connect to a node that accepts TCP but does not answer (paused, partitioned).
      const connection = await amqp.connect(url, { noDelay: true, timeout: 5000, clientProperties: { connection_name: name } });
      if (!coalesceWrites(connection)) logger.warn('amqplib internals changed: frames are written one by one');
      connection.on('error', (err) => logger.warn({ err: err.message }, 'broker connection error'));
      connection.on('close', () => this.onClose(connection));
      connection.on('blocked', (reason) => {
        this.blocked = true;
        logger.warn({ reason }, 'broker blocked publishers');
      });
      connection.on('unblocked', () => {
        this.blocked = false;
        logger.info('broker unblocked publishers');
      });
      this.connection = connection;
      this.blocked = false;
      for (const setup of this.setups) await setup(connection);
      // Closed while the setups ran (a setup need not fail for that): start over.
      if (this.connection !== connection) throw new Error('the connection closed during its setup');
      this.attempt = 0;
      this.connecting = false;
      logger.info(this.urls.length > 1 ? { node: redact(url) } : {}, 'broker connected');
      this.waiters.splice(0).forEach((resolve) => resolve());
    } catch (err) {
      logger.warn({ err: (err as Error).message, ...(this.urls.length > 1 ? { node: redact(url) } : {}) }, 'broker connect failed');
      const connection = this.connection;
      this.connection = undefined;
      await connection?.close().catch(() => undefined);
      this.connecting = false;
      this.scheduleReconnect();
    }
  }

  private onClose(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    if (this.closing) return;
    this.options.logger.warn('broker connection closed, reconnecting');
    // A connection that closes during its own setups is the running connect's to retry: two
    // reconnects would open two connections, and the components' channels on the one they no
    // longer track would keep taking deliveries that nobody settles.
    if (!this.connecting) this.scheduleReconnect(this.options.settleMs ?? 0);
  }

  /**
   * The next node, right away while some node has not failed yet in this round, else after a
   * backoff; no sooner than `atLeastMs`. At most one reconnect waits at a time.
   */
  private scheduleReconnect(atLeastMs = 0): void {
    if (this.closing || this.timer !== undefined) return;
    const max = this.options.maxBackoffMs ?? 5000;
    this.node = (this.node + 1) % this.urls.length;
    const rounds = Math.floor(this.attempt / this.urls.length);
    const delay = this.attempt % this.urls.length === this.urls.length - 1 || this.urls.length === 1 ? Math.min(max, 200 * 2 ** rounds) : 50;
    this.attempt += 1;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.connect();
      },
      Math.max(atLeastMs, delay * (0.5 + Math.random() / 2)),
    );
  }
}
