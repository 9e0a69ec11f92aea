import { AppError } from './errors';

/** The SQLSTATE of a database error, whether pg's own or TypeORM's wrapper around it. */
function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A failure caused by the data itself: PostgreSQL's data exceptions and integrity violations
 * (SQLSTATE classes 22 and 23), or a 4xx refusal from another service. Sent again unchanged, it
 * fails again, so retrying it only holds up whatever shares its batch.
 */
export function isDataError(err: unknown): boolean {
  if (err instanceof AppError) return err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

// Connection exceptions, rollbacks (serialization failure, deadlock), insufficient resources,
// operator intervention (shutdown, cancel), system errors, lock not available.
const transientStates = /^(08|40|53|57|58)|^55P03$/;
const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A failure that may pass if the same work is tried again later: the database or the broker was
 * away, a transaction lost a race, another service timed out or failed. Everything else is the
 * work's own fault.
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof AppError) return err.status >= 500 || err.status === 408 || err.status === 429;
  const state = sqlState(err);
  if (state !== undefined) return transientStates.test(state);
  const { code, message = '' } = (err ?? {}) as { code?: unknown; message?: string };
  if (typeof code === 'string' && transientCodes.has(code)) return true;
  // pg and TypeORM report a lost or exhausted pool with these messages and no code.
  return /Connection terminated|timeout exceeded when trying to connect|Connection is not established|connection timeout/i.test(message);
}

export interface Isolated<T> {
  /** Items that failed on their own, each with the error it failed with when run alone. */
  failed: Array<{ item: T; error: unknown }>;
  /** Items whose work succeeded. */
  succeeded: number;
}

/**
 * Runs `work` on all the items at once and, when it fails for a reason that is not transient,
 * splits them in halves until each failure is pinned to single items, so one bad item never fails
 * the others. `work` must be idempotent: items of a failed call are run again. A transient failure
 * anywhere fails the whole call (the caller retries everything later), and so does a non-data
 * error that fails every item alike: that is the system's fault, not the items'.
 */
export async function isolateFailures<T>(items: T[], work: (items: T[]) => Promise<void>): Promise<Isolated<T>> {
  const result = await split(items, work);
  const systemic = result.succeeded === 0 && result.failed.length > 0 && result.failed.every((f) => !isDataError(f.error));
  if (systemic) throw result.failed[0].error;
  return result;
}

async function split<T>(items: T[], work: (items: T[]) => Promise<void>): Promise<Isolated<T>> {
  if (items.length === 0) return { failed: [], succeeded: 0 };
  try {
    await work(items);
    return { failed: [], succeeded: items.length };
  } catch (err) {
    if (isTransientError(err)) throw err;
    if (items.length === 1) return { failed: [{ item: items[0], error: err }], succeeded: 0 };
    const half = Math.ceil(items.length / 2);
    const left = await split(items.slice(0, half), work);
    const right = await split(items.slice(half), work);
    return { failed: [...left.failed, ...right.failed], succeeded: left.succeeded + right.succeeded };
  }
}
