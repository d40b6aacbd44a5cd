// Shared pieces of the bridge-server integration tests (server-*.test.ts): real git smart-HTTP
// hosts with canary credentials, a config.yaml produced by the real loader, the real bridge
// (startBridge) on 127.0.0.1:0 with its log lines captured, an HTTP client, and a transcript of
// every HTTP body and log line for the canary-secret checks. Webhook payloads are in
// server-payloads.ts, the Slack stand-in and the counting proxy in server-fakes.ts.
import { type IncomingMessage, request as httpRequest } from "node:http";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
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

/**
 * The usual providers: github, gitlab and gitea on the source host (each with its token), the
 * target host with the right password (`dst`) and with a wrong one (`dst-wrong`).
 */
export function standardProviders(hosts: Hosts): Record<string, ProviderSpec> {
  return {
    gh: { type: "github", baseUrl: hosts.source.url, tokenVar: "GH_TOKEN" },
    gl: { type: "gitlab", baseUrl: hosts.source.url, tokenVar: "GL_TOKEN" },
    gt: { type: "gitea", baseUrl: hosts.source.url, tokenVar: "GITEA_TOKEN" },
    dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
    "dst-wrong": { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "WRONG_PASS" },
  };
}

/** A one-way repo `name` from `source`:`sourcePath` to dst:mirror/`name`. */
export const mirrorRepo = (name: string, source: string, sourcePath: string, extra: Partial<RepoSpec> = {}): RepoSpec => ({
  name,
  source,
  target: "dst",
  sourcePath,
  targetPath: `mirror/${name}`,
  ...extra,
});

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
