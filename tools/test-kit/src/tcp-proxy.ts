import { createServer, connect, type Socket } from 'node:net';

/** Which way a stall drops bytes: both, only towards the target (the broker), or only back from it. */
export type ProxyDirection = 'both' | 'to-target' | 'from-target';

/**
 * A loopback TCP proxy between the services and RabbitMQ, to cut connections, stall them (the
 * bytes are dropped but the sockets stay open, as on a dead network path; one way only if asked,
 * e.g. the broker gets a publish but its confirm never comes back) or hold them (the bytes wait
 * and are delivered in order on release, as on a path that stops and recovers).
 */
export async function startTcpProxy(targetPort: number) {
  const pairs = new Set<[Socket, Socket]>();
  const stalled = { 'to-target': false, 'from-target': false };
  let held = false;
  const waiting: Array<[Socket, Buffer]> = [];
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket, direction: keyof typeof stalled) =>
      from.on('data', (chunk: Buffer) => {
        if (stalled[direction]) return;
        if (held) waiting.push([to, chunk]);
        else to.write(chunk);
      });
    forward(client, upstream, 'to-target');
    forward(upstream, client, 'from-target');
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    /** How many client connections are open through the proxy. */
    connections: () => pairs.size,
    cutAll: () => [...pairs].forEach(([a, b]) => (a.destroy(), b.destroy())),
    stall: (on: boolean, direction: ProxyDirection = 'both') => {
      if (direction !== 'from-target') stalled['to-target'] = on;
      if (direction !== 'to-target') stalled['from-target'] = on;
    },
    hold: (on: boolean) => {
      held = on;
      if (!on) for (const [to, chunk] of waiting.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: () => new Promise<void>((resolve) => (pairs.forEach(([a, b]) => (a.destroy(), b.destroy())), server.close(() => resolve()))),
  };
}
