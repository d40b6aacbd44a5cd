// When a rate-limited answer says to come back. GitHub documents both forms for REST: a 403 or 429
// with `Retry-After` (seconds; secondary limits), or a 403/429 with `X-RateLimit-Remaining: 0` and
// `X-RateLimit-Reset` (epoch seconds; primary limit). A 403 with neither is a real permission error.

/** Milliseconds to wait before retrying, or undefined when the answer is not a rate limit. */
export function retryDelayMs(status: number, headers: Headers, nowMs: number): number | undefined {
  if (status !== 429 && status !== 403) return undefined;
  const after = headers.get("retry-after");
  if (after !== null && after.trim() !== "") {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(after); // Retry-After may also be an HTTP date
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(headers.get("x-ratelimit-reset"));
  const remaining = headers.get("x-ratelimit-remaining");
  if (Number.isFinite(reset) && reset > 0 && (remaining === "0" || status === 429)) {
    // One extra second: the reset time is rounded down to whole seconds.
    return Math.max(0, reset * 1000 - nowMs) + 1000;
  }
  // A bare 429 is still a rate limit: wait a minute, as GitHub advises for secondary limits.
  return status === 429 ? 60_000 : undefined;
}
