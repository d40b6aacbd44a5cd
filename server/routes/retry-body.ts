// The retry API's body is three short fields: 64 KiB is plenty, and anything bigger is refused
// with 413 before it is read. Runs in front of server/routes/retry.ts and only for requests that
// route would read (token configured, POST, right bearer token), so a 404 or 401 still answers
// without a byte of the body; those it reads go through the shared body guard (deadline, crowd).
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../app.ts";
import type { BodyGuard } from "./body-guard.ts";
import { bearerMatches } from "./bearer.ts";

export const RETRY_MAX_BODY_BYTES = 64 * 1024;

export function retryBodyLimit(deps: AppDeps, guard: BodyGuard): MiddlewareHandler {
  return async (c, next) => {
    const token = deps.config.retry.apiToken;
    if (!token || c.req.method !== "POST" || !bearerMatches(c.req.header("authorization"), token)) return next();
    const read = await guard.read(c, RETRY_MAX_BODY_BYTES);
    if (!read.ok) return read.response;
    c.req.raw = new Request(c.req.raw, { body: read.body as Uint8Array<ArrayBuffer> });
    return next();
  };
}
