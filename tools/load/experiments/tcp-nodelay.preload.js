// Experiment, not a fix: forces TCP_NODELAY on every socket of a service, to measure what
// amqplib's default (noDelay: false, so Nagle's algorithm) costs each request/reply hop.
// npm run bench -- --service-node-options="--require $PWD/tools/load/experiments/tcp-nodelay.preload.js"
// (an absolute path: the services run in their own directories)
// The real change is one option where libs/messaging connects: amqp.connect(url, { noDelay: true }).
const net = require('node:net');

const setNoDelay = net.Socket.prototype.setNoDelay;
net.Socket.prototype.setNoDelay = function forceNoDelay() {
  return setNoDelay.call(this, true);
};
