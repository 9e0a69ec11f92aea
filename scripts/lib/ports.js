// Which of the given ports something else already listens on. npm start checks before starting:
// with a second copy running, every service would fail to bind while the first copy's gateway
// answered the readiness check, and the second would wrongly report itself running.
const net = require('node:net');

const inUse = (port) =>
  new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err) => resolve(err.code === 'EADDRINUSE'));
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(false)));
  });

/** Resolves with the entries of `ports` ({ name: port }) whose port is taken. */
async function takenPorts(ports) {
  const taken = [];
  for (const [name, port] of Object.entries(ports)) if (await inUse(port)) taken.push([name, port]);
  return taken;
}

module.exports = { takenPorts };
