// status.token guards GET /status, /metrics and the page, because repo names can be private.
// Scripts and Prometheus send `Authorization: Bearer <token>`; a browser gets a Basic challenge
// and may send the token as the password (any user name), which needs no JavaScript.
import { Buffer } from "node:buffer";
import type { MiddlewareHandler } from "hono";
import { sameToken } from "../providers/signature.ts";
import { bearerMatches } from "./bearer.ts";

export function statusAuth(token: string | undefined, opts: { browser?: boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (!token) return next();
    const header = c.req.header("authorization");
    if (bearerMatches(header, token) || (opts.browser && basicPasswordMatches(header, token))) return next();
    const hint = "send Authorization: Bearer <status.token>";
    if (opts.browser) {
      return c.text(`status page needs the status token: ${hint}, or enter it as the password`, 401, {
        "WWW-Authenticate": 'Basic realm="git-bridge status", charset="UTF-8"',
      });
    }
    return c.json({ error: `missing or invalid Authorization header: ${hint}` }, 401);
  };
}

function basicPasswordMatches(header: string | undefined, token: string): boolean {
  const m = header?.match(/^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i);
  if (!m) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 && sameToken(decoded.slice(colon + 1), token);
}
