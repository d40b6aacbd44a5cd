// A loopback HTTP server that plays an API from its description: every request is validated
// against the spec first (violations are collected, and answered 400 so the caller notices), then
// routed to a handler keyed by the spec's own path template (a route the spec lacks is refused at
// construction, so an emulator cannot quietly accept calls the real server would not have).
// Faults (rate limits, 5xx) are queued per request pattern and answered before the handler runs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { matchOperation, type SpecTable, validateRequest } from "./specs/request-validator.ts";

export interface EmuRequest {
  method: string;
  /** Without the base path, e.g. /repos/acme/app. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  params: Record<string, string>;
  auth?: { kind: "token"; token: string } | { kind: "basic"; user: string; password: string };
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse;

export interface Fault {
  method?: string;
  /** Matched against the request path (without base path). */
  path: RegExp;
  /** How many matching requests get the fault (then it is used up). */
  times: number;
  respond: (req: EmuRequest) => EmuResponse;
}

export interface Emulator {
  url: string;
  violations: string[];
  requests: { method: string; path: string; status: number }[];
  faults: Fault[];
  /** Runs after a handler changed state, before the answer leaves (the kill-mid-phase test). */
  afterHandle?: (req: EmuRequest, res: EmuResponse) => void;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

export async function startEmulator(opts: {
  spec: SpecTable;
  basePath: string;
  routes: Record<string, Handler>;
}): Promise<Emulator> {
  for (const key of Object.keys(opts.routes)) {
    const [method, template] = key.split(" ");
    if (!opts.spec.operations.some((o) => o.method === method && o.template === template)) {
      throw new Error(`emulator route ${key} is not an operation of ${opts.spec.name}`);
    }
  }
  const emu: Emulator = { url: "", violations: [], requests: [], faults: [], close: async () => {} };

  const handle = async (inc: IncomingMessage, out: ServerResponse) => {
    const url = new URL(inc.url ?? "/", "http://127.0.0.1");
    const method = inc.method ?? "GET";
    const send = (res: EmuResponse) => {
      emu.requests.push({ method, path: url.pathname, status: res.status });
      const payload = res.body === undefined ? "" : JSON.stringify(res.body);
      out.writeHead(res.status, { ...(payload ? { "content-type": "application/json" } : {}), ...res.headers });
      out.end(payload);
    };
    if (!url.pathname.startsWith(opts.basePath + "/") && opts.basePath !== "") {
      emu.violations.push(`${method} ${url.pathname}: outside the API base path ${opts.basePath}`);
      return send({ status: 404, body: { message: "not found" } });
    }
    const path = url.pathname.slice(opts.basePath.length);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of inc) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return send({ status: 413, body: { message: "body too large" } });
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        emu.violations.push(`${method} ${path}: body is not JSON`);
        return send({ status: 400, body: { message: "invalid JSON" } });
      }
    }
    const problems = validateRequest(opts.spec, { method, path, query: url.searchParams, body, contentType: inc.headers["content-type"] });
    if (problems.length > 0) {
      emu.violations.push(...problems);
      return send({ status: 400, body: { message: problems.join("; ") } });
    }
    const match = matchOperation(opts.spec, method, path)!;
    const req: EmuRequest = { method, path, query: url.searchParams, headers: inc.headers, body, params: match.params, auth: parseAuth(inc.headers.authorization) };
    const fault = emu.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(path));
    if (fault) {
      fault.times--;
      return send(fault.respond(req));
    }
    const handler = opts.routes[`${method} ${match.op.template}`];
    if (!handler) {
      // Allowed by the spec, but this emulator plays no such route: the real server's 404 for a
      // missing resource is the closest answer, and the test can see it in `requests`.
      return send({ status: 404, body: { message: `emulator has no route for ${method} ${match.op.template}` } });
    }
    const res = handler(req);
    emu.afterHandle?.(req, res);
    send(res);
  };

  const server: Server = createServer((inc, out) => {
    handle(inc, out).catch((err) => {
      emu.violations.push(`emulator error: ${(err as Error).stack}`);
      if (!out.headersSent) out.writeHead(500);
      out.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  emu.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emu.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return emu;
}

function parseAuth(header: string | undefined): EmuRequest["auth"] {
  if (!header) return undefined;
  const [scheme, value = ""] = header.split(/\s+/, 2);
  if (/^(token|bearer)$/i.test(scheme)) return { kind: "token", token: value };
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    return { kind: "basic", user: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  return undefined;
}

/** One page of `items` with Gitea/GitHub-style `Link` and `x-total-count` headers. */
export function pageOf<T>(req: EmuRequest, items: T[], opts: { limitParam: string; defaultLimit: number; maxLimit: number; baseUrl: string }): EmuResponse {
  const page = Math.max(1, Number(req.query.get("page") ?? "1") || 1);
  const limit = Math.min(opts.maxLimit, Math.max(1, Number(req.query.get(opts.limitParam) ?? opts.defaultLimit) || opts.defaultLimit));
  const last = Math.max(1, Math.ceil(items.length / limit));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set("page", String(p));
    q.set(opts.limitParam, String(limit));
    return `<${opts.baseUrl}${req.path}?${q}>; rel="${rel}"`;
  };
  const links = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return {
    status: 200,
    body: items.slice((page - 1) * limit, page * limit),
    headers: { "x-total-count": String(items.length), ...(links.length ? { link: links.join(", ") } : {}) },
  };
}
