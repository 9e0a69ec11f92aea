import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type Metrics } from '@shop/platform';
import { callerOf } from './auth.middleware';

export interface OrderLimits {
  /** Orders one customer may place per second (per gateway process); 0: no per-customer limit. */
  perCustomerPerSecond: number;
  /** Order requests one gateway process holds at once, most of them waiting for a broker confirm. */
  maxInFlight: number;
}

const POLICY = 'orders';

/**
 * A customer over its rate gets 429 with Retry-After; every answer of the limited route carries the
 * IETF RateLimit-Policy and RateLimit headers (draft-ietf-httpapi-ratelimit-headers). The window is
 * one second, kept in this process: with N gateway processes (replicas × GATEWAY_WORKERS) a customer
 * may place up to N × the rate, which the default leaves generous on purpose.
 */
export function perCustomerRate({ perCustomerPerSecond }: OrderLimits, metrics: Metrics): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: POLICY, points: perCustomerPerSecond, duration: 1 });
  const limited = metrics.counter('orders_rate_limited_total', 'Order submissions refused with 429: the customer was over its rate');
  const policy = `"${POLICY}";q=${perCustomerPerSecond};w=1`;
  const headers = (res: Parameters<RequestHandler>[1], state: RateLimiterRes) => {
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `"${POLICY}";r=${state.remainingPoints};t=${Math.max(1, Math.ceil(state.msBeforeNext / 1000))}`);
  };
  return async (_req, res, next) => {
    try {
      headers(res, await limiter.consume(callerOf(res).customerId));
    } catch (state) {
      if (!(state instanceof RateLimiterRes)) throw state;
      headers(res, state);
      limited.inc();
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(state.msBeforeNext / 1000))));
      throw new AppError('rate-limited', `At most ${perCustomerPerSecond} orders per second per customer; retry after the Retry-After seconds`, 429);
    }
    next();
  };
}

/**
 * Sheds order requests beyond maxInFlight with 503 + Retry-After before any work: when the broker
 * stalls, confirms stop arriving and waiting requests (each holding its body and socket) would
 * otherwise pile up until memory runs out.
 */
export function inFlightCap({ maxInFlight }: OrderLimits, metrics: Metrics): RequestHandler {
  let inFlight = 0;
  const shed = metrics.counter('orders_shed_total', 'Order submissions refused with 503 because too many were already waiting');
  return (_req, res, next) => {
    if (inFlight >= maxInFlight) {
      shed.inc();
      res.setHeader('Retry-After', '1');
      throw new AppError('overloaded', 'Too many orders are waiting for the message broker; retry after the Retry-After seconds', 503);
    }
    inFlight += 1;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
