// Stand-ins the bridge-server tests talk to: a recording HTTP server (Slack) and a counting,
// delaying proxy in front of a git host.
import { createServer, type IncomingMessage, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GitServer } from "../harness/git-server.ts";
import { transcript } from "./server-hosts.ts";

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface RecordingServer {
  url: string;
  requests: Recorded[];
  /** Status the next requests get (default 200 with `reply`). */
  respond(status: number, reply?: string): void;
  close(): Promise<void>;
}

export async function startRecorder(defaultReply = "ok"): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  let status = 200;
  let reply = defaultReply;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      transcript.push(body); // what the bridge sent out is checked for canaries too
      res.writeHead(status, { "content-type": reply.startsWith("{") ? "application/json" : "text/plain" });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    respond(s, r) {
      status = s;
      if (r !== undefined) reply = r;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Forwards to a git host, delaying each request and tracking how many repos are served at once. */
export interface CountingProxy {
  url: string;
  /** Most repo paths that had a request in flight at the same moment. */
  maxRepos: number;
  /** Added before each request is forwarded; may be changed at any time. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: GitServer, delayMs: number): Promise<CountingProxy> {
  const inflight = new Map<string, number>();
  const proxy: CountingProxy = { url: "", maxRepos: 0, delayMs, close: async () => {} };
  const server = createServer((req, res) => {
    const repo = (req.url ?? "").split(".git/")[0];
    inflight.set(repo, (inflight.get(repo) ?? 0) + 1);
    proxy.maxRepos = Math.max(proxy.maxRepos, inflight.size);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const n = (inflight.get(repo) ?? 1) - 1;
      if (n > 0) inflight.set(repo, n);
      else inflight.delete(repo);
    };
    res.on("close", finish);
    setTimeout(() => {
      const up = httpRequest(
        { host: "127.0.0.1", port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (ures) => {
          res.writeHead(ures.statusCode ?? 502, ures.headers);
          ures.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
    }, proxy.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return proxy;
}
