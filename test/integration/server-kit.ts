// Shared pieces of the bridge-server integration tests (server-*.test.ts): real git smart-HTTP
// hosts with canary credentials, a config.yaml produced by the real loader, the real bridge
// (startBridge) on 127.0.0.1:0 with its log lines captured, signed real webhook payloads, and a
// transcript of every HTTP body and log line for the canary-secret checks.
import { createHmac } from "node:crypto";
import { request as httpRequest, createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../server/config/index.ts";
import type { Config } from "../../server/config/types.ts";
import { type RunningBridge, startBridge } from "../../server/bridge.ts";
import { type GitServer, startGitServer } from "../harness/git-server.ts";
import { refsOf } from "../harness/git-cli.ts";

export { refsOf };

// ---------------------------------------------------------------------------------------------
// Canary secrets: every credential the bridge holds has a unique, greppable value.
export const CANARY = {
  GH_SECRET: "canary-ghsecret-0f1e2d3c4b5a6978",
  GL_SECRET: "canary-glsecret-a1b2c3d4e5f60718",
  GITEA_SECRET: "canary-giteasecret-9a8b7c6d5e4f3021",
  RETRY_TOKEN: "canary-retrytoken-5e6f7a8b9c0d1e2f",
  GH_TOKEN: "canary-ghtoken-3c4d5e6f7a8b9c0d",
  GL_TOKEN: "canary-gltoken-7a8b9c0d1e2f3a4b",
  GITEA_TOKEN: "canary-giteatoken-1e2f3a4b5c6d7e8f",
  DST_PASS: "canary-dstpass-b0c1d2e3f4a5b6c7",
  WRONG_PASS: "canary-wrongpass-d2e3f4a5b6c7d8e9",
  SLACK_HOOK: "canary-slackhook-f4a5b6c7d8e9f0a1",
  SLACK_BOT: "xoxb-canary-slackbot-6c7d8e9f0a1b2c3d",
} as const;
/** The test's own accounts on the git hosts (used only by test-side git commands). */
export const TESTER = { user: "tester", pass: "tester-pass-not-a-canary" };

/** Every string the tests saw come out of a bridge: HTTP bodies and log lines. */
export const transcript: string[] = [];

export function findCanaries(text: string): string[] {
  return Object.entries(CANARY).filter(([, v]) => text.includes(v)).map(([k]) => k);
}

/** Every file under `dir` whose bytes contain any canary, as "path: NAMES". */
export async function canaryFiles(dir: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string) => {
    for (const name of await readdir(d).catch(() => [] as string[])) {
      const p = join(d, name);
      const s = await stat(p).catch(() => undefined);
      if (!s) continue;
      if (s.isDirectory()) await walk(p);
      else {
        const found = findCanaries((await readFile(p)).toString("latin1"));
        if (found.length) hits.push(`${p}: ${found.join(",")}`);
      }
    }
  };
  await walk(dir);
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Git hosts

export interface Hosts {
  dir: string;
  /** Hosts the github/gitlab/gitea "source" repos; accepts each provider's token user. */
  source: GitServer;
  /** Hosts the mirrors; the bridge pushes as `mirror`. */
  target: GitServer;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startHosts(prefix = "gb-srv-"): Promise<Hosts> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // The first user is the test's own (authedUrl uses it); the others are what the bridge sends:
  // a token goes with the per-type user name (x-access-token, oauth2, git-bridge).
  const source = await startGitServer({
    root: join(dir, "src-host"),
    users: { [TESTER.user]: TESTER.pass, "x-access-token": CANARY.GH_TOKEN, oauth2: CANARY.GL_TOKEN, "git-bridge": CANARY.GITEA_TOKEN },
  });
  const target = await startGitServer({ root: join(dir, "dst-host"), users: { [TESTER.user]: TESTER.pass, mirror: CANARY.DST_PASS } });
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: dir, ...CANARY };
  return {
    dir,
    source,
    target,
    env,
    async close() {
      await source.close();
      await target.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Authenticated requests a git host served for one repo path (git first asks anonymously, gets a
 * 401 and asks again with credentials; the 401s are not counted).
 */
export function countRequests(server: GitServer, path: string, service: string, method?: string): number {
  const p = `/${path}.git/`;
  return server.requests.filter((r) =>
    r.user !== null && r.path.startsWith(p) && r.service === service && (!method || r.method === method)
  ).length;
}
/** A fetch (or ls-remote) of `path`: one ref advertisement GET per git command. */
export const fetchesOf = (server: GitServer, path: string) => countRequests(server, path, "git-upload-pack", "GET");
export const pushesOf = (server: GitServer, path: string) => countRequests(server, path, "git-receive-pack", "POST");

// ---------------------------------------------------------------------------------------------
// Config

export interface ProviderSpec {
  type: "github" | "gitlab" | "gitea" | "git";
  baseUrl: string;
  /** ${VAR} name of a token (sent with the type's default user name). */
  tokenVar?: string;
  /** git_username / ${VAR} of git_password. */
  user?: string;
  passVar?: string;
}
export interface RepoSpec {
  name: string;
  source: string;
  target: string;
  sourcePath: string;
  targetPath: string;
  direction?: "source-to-target" | "target-to-source" | "bidirectional";
  retryDirection?: "source-to-target" | "target-to-source";
}
export interface ConfigSpec {
  providers: Record<string, ProviderSpec>;
  repos: RepoSpec[];
  /** Extra top-level YAML (webhook:, retry:, notification:, mirror: …). */
  top?: string;
  concurrency?: number;
  timeoutSeconds?: number;
  drainSeconds?: number;
}

export function configYaml(spec: ConfigSpec): string {
  const providers = Object.entries(spec.providers).map(([name, p]) => {
    const creds = p.tokenVar
      ? `    credentials:\n      token: "\${${p.tokenVar}}"\n`
      : p.passVar
      ? `    credentials:\n      git_username: ${p.user}\n      git_password: "\${${p.passVar}}"\n`
      : "";
    return `  ${name}:\n    type: ${p.type}\n    base_url: ${p.baseUrl}\n    allow_insecure_http: true\n    allow_private_network: true\n${creds}`;
  }).join("");
  const repos = spec.repos.map((r) =>
    `  - name: ${r.name}\n    source: ${r.source}\n    target: ${r.target}\n    source_path: ${r.sourcePath}\n    target_path: ${r.targetPath}\n` +
    `    direction: ${r.direction ?? "source-to-target"}\n` + (r.retryDirection ? `    retry_direction: ${r.retryDirection}\n` : "")
  ).join("");
  return `# written by test/integration/server-kit.ts
providers:
${providers}repos:
${repos}mirror:
  timeout_seconds: ${spec.timeoutSeconds ?? 30}
  concurrency: ${spec.concurrency ?? 4}
  drain_timeout_seconds: ${spec.drainSeconds ?? 10}
git:
  engine: native
${spec.top ?? ""}
`;
}

/** The three webhook secrets and the retry token, by ${VAR}. */
export const SECRETS_YAML = `webhook:
  github_secret: "\${GH_SECRET}"
  gitlab_secret: "\${GL_SECRET}"
  gitea_secret: "\${GITEA_SECRET}"
retry:
  api_token: "\${RETRY_TOKEN}"
`;

// ---------------------------------------------------------------------------------------------
// The bridge

export interface TestBridge {
  url: string;
  bridge: RunningBridge;
  config: Config;
  workDir: string;
  logs: string[];
  stop(deadlineMs?: number): Promise<void>;
}

export async function startTestBridge(o: {
  yaml: string;
  env: Record<string, string>;
  workDir: string;
  slackApiUrl?: string;
  fetch?: typeof fetch;
}): Promise<TestBridge> {
  const config = parseConfig(o.yaml, "config.yaml", { ...o.env, WORK_DIR: o.workDir });
  const logs: string[] = [];
  const bridge = await startBridge({
    config,
    port: 0,
    hostname: "127.0.0.1",
    write: (line) => {
      logs.push(line);
      transcript.push(line);
    },
    ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  let stopped: Promise<void> | undefined;
  return {
    url: bridge.url,
    bridge,
    config,
    workDir: o.workDir,
    logs,
    stop: (deadlineMs) => (stopped ??= bridge.stop(deadlineMs)),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  transcript.push(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const bearer = (token: string = CANARY.RETRY_TOKEN) => ({ authorization: `Bearer ${token}` });

export function retry(base: string, body: unknown, headers: Record<string, string> = bearer()): Promise<Reply> {
  return call(`${base}/retry/mirror`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const getJob = (base: string, id: string, headers: Record<string, string> = bearer()) => call(`${base}/jobs/${id}`, { headers });

/** Polls GET /jobs/:id until the job reaches a final state; returns every state seen and the last view. */
export async function waitJob(base: string, id: string, timeoutMs = 10_000) {
  const seen: string[] = [];
  const r = await pollUntil(async () => {
    const j = await getJob(base, id);
    if (j.status !== 200) throw new Error(`GET /jobs/${id}: ${j.status} ${j.text}`);
    if (seen[seen.length - 1] !== j.json.state) seen.push(j.json.state);
    return ["succeeded", "partial", "failed"].includes(j.json.state) ? j.json : undefined;
  }, { timeoutMs, what: `job ${id} to finish` });
  return { job: r, states: seen };
}

/** POST with node:http, so the body can go chunked (no Content-Length) or be huge. */
export function rawPost(
  url: string,
  opts: { headers?: Record<string, string>; bytes: number; chunked: boolean },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (!opts.chunked) headers["content-length"] = String(opts.bytes);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers });
    let answered = false;
    req.on("response", (res: IncomingMessage) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        transcript.push(text);
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    // The server may answer 413 and drop the connection while we still write: that is fine once
    // a response arrived.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, if it were parsed
    let left = opts.bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    req.on("close", () => {
      left = 0;
    });
    pump();
  });
}

// ---------------------------------------------------------------------------------------------
// Waiting

export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the bare repo `path` on `server` has `ref` at `sha`. */
export function waitRef(server: GitServer, path: string, ref: string, sha: string, timeoutMs = 10_000): Promise<true> {
  return pollUntil(async () => (await refsOf(server.repoDir(path)))[ref] === sha || undefined, {
    timeoutMs,
    what: `${path} ${ref} = ${sha.slice(0, 7)}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Real webhook payloads. Only the repository URL / name fields (and, where a test needs another
// branch, the ref) are changed, so that the host in the payload is the test git server's.

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;
const require = createRequire(import.meta.url);
const githubExamples: Array<{ name: string; examples: Json[] }> = require("@octokit/webhooks-examples");
export const githubExample = (event: string, pick: (p: Json) => boolean = () => true): Json => {
  const found = githubExamples.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`@octokit/webhooks-examples has no matching ${event} example`);
  return structuredClone(found);
};
const fixture = (p: string) => readFile(new URL(`../fixtures/webhooks/${p}`, import.meta.url), "utf8");
const enc = new TextEncoder();

/**
 * GitHub `push` (the real "branch created" example, refs/heads/master of Codertocat/Hello-World):
 * repository.html_url is moved to `baseUrl`; full_name/name and ref only when a test asks.
 */
export function githubPush(baseUrl: string, o: { fullName?: string; ref?: string } = {}): Uint8Array {
  const p = githubExample("push", (x) => x.ref === "refs/heads/master" && x.created === true);
  if (o.fullName) {
    p.repository.full_name = o.fullName;
    p.repository.name = o.fullName.split("/").pop();
  }
  p.repository.html_url = `${baseUrl}/${p.repository.full_name}`;
  if (o.ref) p.ref = o.ref;
  return enc.encode(JSON.stringify(p));
}

/**
 * GitLab "Push Hook" fixture (mike/diaspora, refs/heads/master). Its http://example.com/ URLs
 * (project.web_url and the other repository/commit URLs) are moved to `baseUrl`; everything else
 * keeps the documented bytes.
 */
export async function gitlabPush(baseUrl: string, o: { path?: string } = {}): Promise<Uint8Array> {
  let text = (await fixture("gitlab/push.json")).split("http://example.com/").join(`${baseUrl}/`);
  if (o.path) text = text.split("mike/diaspora").join(o.path);
  return enc.encode(text);
}

/**
 * Gitea `push` fixture (gitea/webhooks, refs/heads/develop). Its http://localhost:3000/ URLs
 * (repository.html_url, clone_url, compare and commit URLs) are moved to `baseUrl`; a test that
 * needs another repo changes repository.full_name/name too.
 */
export async function giteaPush(baseUrl: string, o: { fullName?: string; ref?: string } = {}): Promise<Uint8Array> {
  let text = (await fixture("gitea/push.json")).split("http://localhost:3000/").join(`${baseUrl}/`);
  if (!o.fullName && !o.ref) return enc.encode(text);
  const p = JSON.parse(text) as Json;
  if (o.fullName) {
    p.repository.full_name = o.fullName;
    p.repository.name = o.fullName.split("/").pop();
    p.repository.html_url = `${baseUrl}/${o.fullName}`;
  }
  if (o.ref) p.ref = o.ref;
  text = JSON.stringify(p);
  return enc.encode(text);
}

export const hmacHex = (secret: string, raw: Uint8Array | string) => createHmac("sha256", secret).update(raw).digest("hex");

export function githubHeaders(raw: Uint8Array, o: { delivery: string; event?: string; secret?: string | null }): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": o.event ?? "push",
    "x-github-delivery": o.delivery,
  };
  const secret = o.secret === undefined ? CANARY.GH_SECRET : o.secret;
  if (secret !== null) h["x-hub-signature-256"] = `sha256=${hmacHex(secret, raw)}`;
  return h;
}

export function gitlabHeaders(o: { key?: string; event?: string; token?: string | null }): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitLab/15.5.0-pre",
    "x-gitlab-event": o.event ?? "Push Hook",
  };
  if (o.key) h["idempotency-key"] = o.key;
  const token = o.token === undefined ? CANARY.GL_SECRET : o.token;
  if (token !== null) h["x-gitlab-token"] = token;
  return h;
}

export function giteaHeaders(raw: Uint8Array, o: { delivery: string; event?: string; secret?: string | null }): Record<string, string> {
  const secret = o.secret === undefined ? CANARY.GITEA_SECRET : o.secret;
  const sig = secret === null ? "" : hmacHex(secret, raw);
  return {
    "content-type": "application/json",
    "x-gitea-delivery": o.delivery,
    "x-gitea-event": o.event ?? "push",
    "x-gitea-event-type": o.event ?? "push",
    ...(secret === null ? {} : { "x-gitea-signature": sig, "x-hub-signature-256": `sha256=${sig}` }),
  };
}

export function postHook(base: string, provider: "github" | "gitlab" | "gitea", raw: Uint8Array | string, headers: Record<string, string>) {
  return call(`${base}/webhook/${provider}`, { method: "POST", headers, body: raw as BodyInit });
}

// ---------------------------------------------------------------------------------------------
// A recording HTTP server (Slack stand-in) and a counting proxy in front of a git host.

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
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString("utf8") });
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
