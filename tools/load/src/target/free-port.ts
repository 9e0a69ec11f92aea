import { createServer } from 'node:net';

/** Ports this process handed out: the OS may offer a port again once its probe closed. */
const handedOut = new Set<number>();

/** A port nobody listens on right now, on any address (the services listen on all), the OS picks it. */
function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port nobody listens on right now and that this process has not handed out before: the four
 * services of a platform each get their own, although none of them listens yet when the next is
 * picked.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probe();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}
