/** The one error shape of the platform: carried over HTTP as problem+json and over RPC replies. */
export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorShape {
  code: string;
  message: string;
  status: number;
  errors?: FieldError[];
}

export class AppError extends Error implements AppErrorShape {
  readonly code: string;
  readonly status: number;
  readonly errors?: FieldError[];

  constructor(code: string, message: string, status: number, options: { errors?: FieldError[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.errors = options.errors;
  }

  toJSON(): AppErrorShape {
    return { code: this.code, message: this.message, status: this.status, ...(this.errors ? { errors: this.errors } : {}) };
  }

  static from(shape: AppErrorShape): AppError {
    return new AppError(shape.code, shape.message, shape.status, { errors: shape.errors });
  }
}

export const notFound = (what: string): AppError => new AppError('not-found', `${what} not found`, 404);
export const conflict = (code: string, message: string): AppError => new AppError(code, message, 409);
export const unavailable = (message: string, cause?: unknown): AppError =>
  new AppError('service-unavailable', message, 503, { cause });
/**
 * The message left us but its confirm never came: it may or may not be queued. Still a 503, but
 * the client must retry with the same Idempotency-Key to learn which (and never without one).
 */
export const unconfirmed = (message: string, cause?: unknown): AppError =>
  new AppError('publish-unconfirmed', message, 503, { cause });

interface JoiLikeError {
  details: Array<{ path: Array<string | number>; message: string; type?: string; context?: { label?: string; name?: string } }>;
}

// A named pattern's failure names the rule, never echoes the value (it may hold control characters).
const describe = (d: JoiLikeError['details'][number]): string =>
  d.type === 'string.pattern.name' && d.context?.name ? `"${d.context.label ?? d.path.join('.')}" ${d.context.name}` : d.message;

export function validationError(error: JoiLikeError, message = 'The request is not valid'): AppError {
  const errors = error.details.map((d) => ({ field: d.path.join('.') || '(root)', message: describe(d) }));
  return new AppError('validation-error', message, 400, { errors });
}
