import type { ChannelModel } from 'amqplib';

interface Muxer {
  out?: { cork?: () => void; uncork?: () => void };
  _readIncoming?: () => void;
}

/**
 * amqplib's multiplexer flushes queued frames once per tick but writes them to the socket one
 * chunk at a time; with TCP_NODELAY each chunk is a syscall and a packet of its own, which the
 * broker then reads one by one. Corking the socket around that flush turns the tick's frames
 * (a burst of publishes, confirms' acks, RPC requests) into one writev. Frames keep their sequence.
 *
 * This reaches into amqplib's `Connection.muxer`; if a release renames it, nothing is wrapped and
 * the connection works as before, only with more writes. Returns whether it was wrapped.
 */
export function coalesceWrites(model: ChannelModel): boolean {
  const muxer = (model as unknown as { connection?: { muxer?: Muxer } }).connection?.muxer;
  const flush = muxer?._readIncoming;
  const out = muxer?.out;
  if (!muxer || typeof flush !== 'function' || typeof out?.cork !== 'function' || typeof out.uncork !== 'function') return false;
  muxer._readIncoming = function corkedFlush(this: Muxer) {
    out.cork!();
    try {
      flush.call(this);
    } finally {
      out.uncork!();
    }
  };
  return true;
}
