import { createServer, connect, type Socket } from 'node:net';

/**
 * A loopback TCP proxy between the services and RabbitMQ, to cut connections, stall them (the
 * bytes are dropped but the sockets stay open, as on a dead network path) or hold them (the bytes
 * wait and are delivered in order on release, as on a path that stops and recovers).
 */
export async function startTcpProxy(targetPort: number) {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  let held = false;
  const waiting: Array<[Socket, Buffer]> = [];
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        if (held) waiting.push([to, chunk]);
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
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
    stall: (on: boolean) => (stalled = on),
    hold: (on: boolean) => {
      held = on;
      if (!on) for (const [to, chunk] of waiting.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: () => new Promise<void>((resolve) => (pairs.forEach(([a, b]) => (a.destroy(), b.destroy())), server.close(() => resolve()))),
  };
}
