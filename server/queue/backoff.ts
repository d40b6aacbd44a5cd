// Retry delays: exponential growth capped at maxMs, with "full jitter" (a uniform draw between 0
// and the capped exponential, as in the AWS Architecture Blog's "Exponential Backoff and Jitter"),
// so many repos failing at the same moment do not all retry at the same moment.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2000, maxMs: 60_000 };

/** Delay before the next attempt, after `attempts` attempts have failed (1 = the first failure). */
export function backoffDelay(attempts: number, opts: BackoffOptions, random: () => number): number {
  const exp = opts.baseMs * 2 ** Math.max(0, attempts - 1);
  const cap = Math.min(opts.maxMs, Number.isFinite(exp) ? exp : opts.maxMs);
  return Math.floor(random() * cap);
}
