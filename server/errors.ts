// One base class with a stable `code` and structured `data`, one subclass per condition a caller
// handles (in the manner of isomorphic-git's src/errors). Messages say what to do next.
export class BridgeError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** Bad configuration or environment: the CLI exits 2. */
export class ConfigError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("config", message, data);
  }
}

/** Bad command-line usage: the CLI exits 2. */
export class UsageError extends BridgeError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The remote refused our credentials. Retrying will not help. */
export class AuthError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("auth", message, data);
  }
}

/** The remote could not be reached or answered with a server error. Worth retrying. */
export class RemoteError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("remote", message, data);
  }
}

/** The remote URL or ref name breaks a safety rule (scheme, private address, ref format). */
export class UnsafeInputError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("unsafe", message, data);
  }
}

/** A sync ran past mirror.timeout_seconds and was killed. */
export class TimeoutError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("timeout", message, data);
  }
}

/** Another process holds the repo's sync lock. */
export class BusyError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("busy", message, data);
  }
}

/** Errors worth an automatic retry (network blips, 5xx, a held lock). */
export function isTransient(err: unknown): boolean {
  return err instanceof RemoteError || err instanceof TimeoutError || err instanceof BusyError;
}
