import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * A context manager without AsyncLocalStorage: a context is active only while the function given
 * to `with` runs synchronously, and is gone after its first `await`. A service that uses it carries
 * its trace context explicitly across asynchronous steps (see http-spans.ts: requestContext).
 *
 * Why: on Node 20, AsyncLocalStorage runs on async_hooks, and once any context is entered every
 * promise the process creates runs a hook, traced or not. For the gateway, whose requests make
 * many promises and need their trace in a few places only, leaving it out took about 4 points off
 * what tracing cost it (docs/benchmarks.md).
 */
export class SyncContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the bound function keeps its own `this`
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
