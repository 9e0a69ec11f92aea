import { createServer, type Server } from 'node:net';
import { freePort } from '@shop/test-kit';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { takenPorts } = require('../../scripts/lib/ports.js') as { takenPorts: (ports: Record<string, number>) => Promise<Array<[string, number]>> };

describe('npm start port check', () => {
  it('when another process listens on one of the ports, then that one is reported and the free one is not', async () => {
    const [busy, idle] = [await freePort(), await freePort()];
    const server: Server = await new Promise((resolve) => {
      const s = createServer().listen(busy, '0.0.0.0', () => resolve(s));
    });
    try {
      expect(await takenPorts({ 'api-gateway': busy, 'order-management': idle })).toEqual([['api-gateway', busy]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await takenPorts({ 'api-gateway': busy })).toEqual([]);
  });
});
