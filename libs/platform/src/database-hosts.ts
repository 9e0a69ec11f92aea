import { Client } from 'pg';

/**
 * A database address that follows the primary. libpq takes several hosts in one URL and, with
 * `target_session_attrs=read-write`, connects to the one that accepts writes:
 *
 *   postgres://user:password@host-a:5432,host-b:5432/orders?target_session_attrs=read-write
 *
 * node-postgres (pg 8) reads only one host, so the platform does the same itself: a pool's new
 * connection goes to the host last seen as the primary and is checked with `pg_is_in_recovery()`;
 * when that host is down or has become a standby, every host is probed and the one that is not in
 * recovery becomes the primary. A connection that reached a standby or a dead host fails (the
 * pool's caller sees an error, as during any database outage); the next one goes to the new primary.
 */
export interface DatabaseHost {
  host: string;
  port: number;
}

export interface DatabaseAddress {
  /** The URL with only the first host and without target_session_attrs, for TypeORM and pg. */
  url: string;
  hosts: DatabaseHost[];
  /** Whether connections must go to the primary (target_session_attrs=read-write or primary). */
  primaryOnly: boolean;
}

const URL_SHAPE = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?#]*)(.*)$/;

export function parseDatabaseUrl(url: string): DatabaseAddress {
  const match = URL_SHAPE.exec(url);
  if (!match) return { url, hosts: [], primaryOnly: false };
  const [, scheme, auth = '', hostList, tail] = match;
  const hosts = hostList
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
      const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : entry.split(':');
      return { host, port: Number(port ?? 5432) };
    });
  const [path, query = ''] = tail.split('?');
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? 'any';
  params.delete('target_session_attrs');
  const rest = params.toString();
  const first = hosts[0] ? `${hosts[0].host.includes(':') ? `[${hosts[0].host}]` : hosts[0].host}:${hosts[0].port}` : '';
  return { url: `${scheme}${auth}${first}${path}${rest ? `?${rest}` : ''}`, hosts, primaryOnly: attrs === 'read-write' || attrs === 'primary' };
}

type ClientConfig = ConstructorParameters<typeof Client>[0];

/** Whether the server at host:port accepts writes; false when it is a standby or unreachable. */
async function isPrimary(config: ClientConfig & object, { host, port }: DatabaseHost, timeoutMs: number): Promise<boolean> {
  const probe = new Client({ ...config, host, port, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const { rows } = await probe.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0]?.standby === false;
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/**
 * A pg Client class (for a pool's `Client` option) whose connections go to the primary among
 * `hosts`. The classes of one pool share what they learnt about which host is the primary.
 */
export function primaryClient(hosts: DatabaseHost[], probeTimeoutMs = 2000): typeof Client {
  // Unknown at first: the first connection finds it.
  let primary: DatabaseHost | undefined;
  let search: Promise<DatabaseHost | undefined> | undefined;

  const findPrimary = (config: ClientConfig & object): Promise<DatabaseHost | undefined> => {
    // Connections opened at once share one search.
    search ??= Promise.all(hosts.map((h) => isPrimary(config, h, probeTimeoutMs)))
      .then((found) => hosts[found.indexOf(true)])
      .finally(() => (search = undefined));
    return search;
  };

  class PrimaryClient extends Client {
    private readonly settings: ClientConfig & object;

    constructor(config?: ClientConfig) {
      super(config);
      // What the probes need to log in, as this client parsed it (from the URL or the fields).
      const { user, password, database, ssl } = (this as unknown as { connectionParameters: Record<string, any> }).connectionParameters;
      this.settings = { user, password, database, ssl };
    }

    override connect(): Promise<Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: Client) => void)): void;
    override connect(callback?: ((err: Error) => void) | ((err: null, c: Client) => void)): Promise<Client> | void {
      const connected = this.connectToPrimary().then(() => this as Client);
      if (!callback) return connected;
      const done = callback as (err: Error | null, c?: Client) => void;
      connected.then((client) => done(null, client), (err: Error) => done(err));
    }

    private async connectToPrimary(): Promise<void> {
      const target = primary ?? (primary = await findPrimary(this.settings));
      if (!target) throw new Error(`no primary among ${hosts.map((h) => `${h.host}:${h.port}`).join(', ')}`);
      const self = this as unknown as { host: string; port: number; connectionParameters: { host: string; port: number } };
      self.host = self.connectionParameters.host = target.host;
      self.port = self.connectionParameters.port = target.port;
      try {
        await super.connect();
      } catch (err) {
        if (primary === target) primary = undefined;
        throw err;
      }
      const { rows } = await this.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      if (rows[0]?.standby !== false) {
        if (primary === target) primary = undefined;
        await this.end().catch(() => undefined);
        throw new Error(`${target.host}:${target.port} is a standby, not the primary`);
      }
    }
  }
  return PrimaryClient;
}
