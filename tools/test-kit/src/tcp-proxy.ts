import { createServer, connect, type Socket } from 'node:net';

/**
 * A loopback TCP proxy between the services and RabbitMQ, to cut connections or stall them (the
 * bytes stop flowing but the sockets stay open, as on a dead network path).
 */
export async function startTcpProxy(targetPort: number) {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!stalled) to.write(chunk);
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
    cutAll: () => [...pairs].forEach(([a, b]) => (a.destroy(), b.destroy())),
    stall: (on: boolean) => (stalled = on),
    close: () => new Promise<void>((resolve) => (pairs.forEach(([a, b]) => (a.destroy(), b.destroy())), server.close(() => resolve()))),
  };
}
