// A real git smart-HTTP server: `git http-backend` (CGI) behind node:http, with optional basic
// auth. It serves the first-run demo's repositories and every test's remotes (git-http-mock-server
// is not usable for that: it serves pushes into a throwaway copy).
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "../mirror/git/git-process.ts";

export interface GitServerOptions {
  /** Directory holding the bare repositories (`<root>/<path>.git`). */
  root: string;
  /** user → password; when omitted the server allows anonymous access. */
  users?: Record<string, string>;
  /**
   * The environment `git http-backend`, and so the repositories' hooks, run with, as on a real git
   * host: PATH (default: the usual system dirs; the demo and tests pass theirs), HOME (default: the
   * root) and whatever else is given here.
   */
  env?: Record<string, string>;
}

export interface RequestRecord {
  method: string;
  path: string;
  service: string | null;
  user: string | null;
}

export interface GitServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  root: string;
  /** Every request the server answered, in order. */
  requests: RequestRecord[];
  /** Creates an empty bare repository and returns its directory. */
  createRepo(path: string): Promise<string>;
  repoDir(path: string): string;
  /** Remote URL without credentials, e.g. http://127.0.0.1:PORT/org/app.git */
  repoUrl(path: string): string;
  /** Remote URL with the first user's credentials, for test-side git commands only. */
  authedUrl(path: string): string;
  /** While down, every request gets its connection reset (an unreachable host). */
  setDown(down: boolean): void;
  /** Replaces `env` (GitServerOptions) for the requests that follow. */
  setEnv(env: Record<string, string>): void;
  /** Adds artificial latency before each request is answered. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  let opts = options;
  await mkdir(opts.root, { recursive: true });
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  let down = false;
  let delay = 0;

  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const go = () => handle(req, res, opts, requests).catch((err) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
    if (delay > 0) setTimeout(go, delay);
    else go();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const firstUser = opts.users ? Object.entries(opts.users)[0] : undefined;

  return {
    url,
    port,
    root: opts.root,
    requests,
    repoDir: (path) => join(opts.root, `${path}.git`),
    repoUrl: (path) => `${url}/${path}.git`,
    authedUrl: (path) =>
      firstUser
        ? `http://${encodeURIComponent(firstUser[0])}:${encodeURIComponent(firstUser[1])}@127.0.0.1:${port}/${path}.git`
        : `${url}/${path}.git`,
    async createRepo(path) {
      const dir = join(opts.root, `${path}.git`);
      await mkdir(dir, { recursive: true });
      await runGit({ args: ["init", "--bare", "--quiet", "--initial-branch=main", "--", dir] });
      // Deletes and non-fast-forwards are allowed, as on GitHub/GitLab/Gitea by default, so the
      // bridge's own compare-and-swap is what protects a ref.
      await runGit({ args: ["--git-dir", dir, "config", "receive.denyDeletes", "false"] });
      await runGit({ args: ["--git-dir", dir, "config", "receive.denyNonFastForwards", "false"] });
      return dir;
    },
    setDown(d) {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    setEnv(env) {
      opts = { ...opts, env };
    },
    setDelay(ms) {
      delay = ms;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: GitServerOptions,
  requests: RequestRecord[],
): Promise<void> {
  const u = new URL(req.url ?? "/", "http://localhost");
  const service = u.searchParams.get("service") ?? (u.pathname.match(/\/(git-[a-z-]+)$/)?.[1] ?? null);
  let user: string | null = null;
  if (opts.users) {
    const header = req.headers.authorization ?? "";
    const m = header.match(/^Basic (.+)$/);
    const [name, ...rest] = m ? Buffer.from(m[1], "base64").toString("utf8").split(":") : [];
    if (!name || opts.users[name] === undefined || opts.users[name] !== rest.join(":")) {
      requests.push({ method: req.method ?? "", path: u.pathname, service, user: null });
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("Authentication required\n");
      req.resume();
      return;
    }
    user = name;
  }
  requests.push({ method: req.method ?? "", path: u.pathname, service, user });

  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: opts.root,
    ...opts.env,
    GIT_PROJECT_ROOT: opts.root,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: decodeURIComponent(u.pathname),
    QUERY_STRING: u.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    // http-backend enables receive-pack only for an authenticated user.
    REMOTE_USER: user ?? "anonymous",
    REMOTE_ADDR: "127.0.0.1",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(req.headers["content-encoding"]);
  if (req.headers["git-protocol"]) env.GIT_PROTOCOL = String(req.headers["git-protocol"]);
  if (req.headers["content-length"]) env.CONTENT_LENGTH = String(req.headers["content-length"]);

  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => {});
  child.stderr.resume();

  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    let sep = head.indexOf("\r\n\r\n");
    let sepLen = 4;
    if (sep < 0) {
      sep = head.indexOf("\n\n");
      sepLen = 2;
    }
    if (sep < 0) return;
    headersDone = true;
    const headerText = head.subarray(0, sep).toString("utf8");
    const rest = head.subarray(sep + sepLen);
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
      const i = line.indexOf(":");
      if (i < 0) continue;
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === "status") status = parseInt(v, 10);
      else headers[k] = v;
    }
    res.writeHead(status, headers);
    if (rest.length) res.write(rest);
  });
  await new Promise<void>((resolve) => {
    child.on("close", () => {
      if (!headersDone) res.writeHead(502);
      res.end();
      resolve();
    });
  });
}
