// Reading request bodies without letting strangers hold the server's memory or sockets. Callers
// check everything a request's headers can prove first (server/routes/webhooks.ts); then one guard,
// shared by the routes that take bodies, bounds
// - the size: a declared Content-Length over the limit is refused before a byte is read, and a
//   chunked body is counted as it arrives;
// - the time: the whole body must arrive within the deadline (a body sent at 1 byte/s would hold
//   its buffer and socket for Node's 300 s request timeout), else 408 and the connection closes;
// - the crowd: bodies read at once, and the bytes they buffer together; past either, 503 at once.
// A client that goes away mid-body is logged as a warning: it is the client's doing, not ours.
import type { Context } from "hono";
import type { Logger } from "../log.ts";

export interface BodyGuardOptions {
  /** Most bytes one body may have. */
  maxBytes: number;
  /** The whole body must arrive within this many milliseconds (default 30 s). */
  deadlineMs?: number;
  /** Bodies read at the same time (default 64). */
  maxConcurrent?: number;
  /** Bytes all bodies being read may buffer together (default 4 × maxBytes). */
  maxBufferedBytes?: number;
  /** The runtime's direct reader (Runtime.readBody) for bodies with a checked Content-Length. */
  readBody?: (env: unknown, signal?: AbortSignal) => Promise<Uint8Array> | undefined;
}

export type BodyRead = { ok: true; body: Uint8Array } | { ok: false; response: Response };

export const BODY_DEADLINE_MS = 30_000;
export const MAX_CONCURRENT_BODIES = 64;

class TooLarge extends Error {}
class OverBudget extends Error {}

export interface BodyGuard {
  /** `maxBytes` overrides the guard's limit for one route (e.g. the retry API's 64 KiB). */
  read(c: Context, maxBytes?: number): Promise<BodyRead>;
  /** Bodies being read right now (for tests and /ready detail). */
  readonly active: number;
}

export function createBodyGuard(opts: BodyGuardOptions, log: Logger): BodyGuard {
  const deadlineMs = opts.deadlineMs ?? BODY_DEADLINE_MS;
  const maxConcurrent = opts.maxConcurrent ?? MAX_CONCURRENT_BODIES;
  const budget = opts.maxBufferedBytes ?? 4 * opts.maxBytes;
  let active = 0;
  let buffered = 0;

  const answer = (status: number, error: string, headers: Record<string, string> = {}): BodyRead => ({
    ok: false,
    response: new Response(JSON.stringify({ error }), { status, headers: { "content-type": "application/json", ...headers } }),
  });
  const tooLarge = (limit: number) => answer(413, `request body too large (limit ${describeBytes(limit)})`);
  const busy = () =>
    answer(503, "too many request bodies are being received at once; send again shortly", { "retry-after": "5", connection: "close" });

  return {
    get active() {
      return active;
    },
    async read(c, limit: number = opts.maxBytes) {
      const length = c.req.header("content-length");
      const declared = length !== undefined && /^[0-9]+$/.test(length) && c.req.header("transfer-encoding") === undefined
        ? Number(length)
        : undefined;
      if (declared !== undefined && declared > limit) return tooLarge(limit);
      if (active >= maxConcurrent || buffered + (declared ?? 0) > budget) return busy();
      active++;
      let reserved = declared ?? 0;
      buffered += reserved;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), deadlineMs);
      try {
        const direct = declared !== undefined ? opts.readBody?.(c.env, controller.signal) : undefined;
        let received = 0;
        const body = direct ? await direct : await readStream(c.req.raw.body, controller.signal, (n) => {
          received += n;
          if (received > limit) throw new TooLarge();
          if (declared !== undefined) return; // its bytes were reserved up front
          if (buffered + n > budget) throw new OverBudget();
          buffered += n;
          reserved += n;
        });
        if (body.byteLength > limit) return tooLarge(limit);
        return { ok: true, body };
      } catch (err) {
        if (err instanceof TooLarge) return tooLarge(limit);
        if (err instanceof OverBudget) return busy();
        const path = new URL(c.req.url).pathname;
        if (controller.signal.aborted) {
          log.warn("request body too slow: gave up waiting", { path, deadline_ms: deadlineMs });
          return answer(408, `the request body did not arrive within ${Math.round(deadlineMs / 1000)} s`, { connection: "close" });
        }
        // The connection broke mid-body: nobody is left to answer, and nothing on our side failed.
        log.warn("request body not received: the client closed the connection", { path, reason: String((err as Error)?.message ?? err) });
        return answer(400, "the request body was cut short", { connection: "close" });
      } finally {
        clearTimeout(timer);
        active--;
        buffered -= reserved;
      }
    },
  };
}

async function readStream(
  stream: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  onChunk: (bytes: number) => void,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw new Error("deadline");
      if (done) break;
      onChunk(value.byteLength);
      parts.push(value);
      size += value.byteLength;
    }
  } catch (err) {
    stop();
    throw err;
  } finally {
    signal.removeEventListener("abort", stop);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const describeBytes = (n: number) => (n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.round(n / 1024)} KiB`);
