// The bridge in a child process: kill -9 after a webhook was acknowledged (the durable queue
// re-runs the sync on the next start), and SIGTERM on `git-bridge serve` (exit 0 within the drain
// deadline; the in-flight sync finishes, or is re-run by the next start). The git hosts stay in
// this process; setDelay keeps a sync running long enough to interrupt it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkTree } from "../harness/git-cli.ts";
import {
  canaryFiles,
  configYaml,
  findCanaries,
  getJob,
  type Hosts,
  mirrorRepo,
  pollUntil,
  refsOf,
  SECRETS_YAML,
  sleep,
  startHosts,
  transcript,
  waitRef,
} from "./server-kit.ts";
import { giteaHeaders, giteaPush, postHook } from "./server-payloads.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));

interface Child {
  proc: ChildProcess;
  url: string;
  /** stderr (the bridge's log lines) so far. */
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `args` under node and waits for the bridge's URL (stdout "listening …" or the log line). */
async function spawnBridge(args: string[], env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal }))
  );
  proc.stdout!.on("data", (b: Buffer) => void (out += b));
  proc.stderr!.on("data", (b: Buffer) => {
    err += b;
  });
  const url = await pollUntil(() => {
    if (proc.exitCode !== null) throw new Error(`the bridge exited early (${proc.exitCode}): ${err}`);
    const fromStdout = out.match(/^listening (http:\/\/\S+)$/m)?.[1];
    const fromLog = err.match(/"msg":"git-bridge listening".*?"url":"(http:\/\/[^"]+)"/)?.[1];
    return fromStdout ?? fromLog;
  }, { timeoutMs: 20_000, what: "the child bridge to listen" });
  const child: Child = { proc, url, log: () => err, exited };
  children.push(child);
  return child;
}
const children: Child[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("bridge in a child process", { concurrency: true }, () => {
  let hosts: Hosts;

  before(async () => {
    hosts = await startHosts("gb-restart-");
    const scenarios = ["crash", "drain", "abort"];
    await hosts.createRepos(scenarios.map((r) => `team/${r}`), scenarios);
    // Every sync takes a few seconds (each request to the source waits 700 ms), so there is
    // always one running to interrupt. The scenarios run at the same time.
    hosts.source.setDelay(700);
  });

  after(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    await hosts?.close();
  });

  /** A config file with one repo; each scenario gets its own file, WORK_DIR and repo. */
  async function setup(name: string, drainSeconds: number) {
    const yaml = configYaml({
      providers: {
        gt: { type: "gitea", baseUrl: hosts.source.url, tokenVar: "GITEA_TOKEN" },
        dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
      },
      repos: [mirrorRepo(name, "gt", `team/${name}`)],
      drainSeconds,
      top: SECRETS_YAML,
    });
    const configPath = join(hosts.dir, `${name}.yaml`);
    await writeFile(configPath, yaml);
    const workDir = join(hosts.dir, `work-${name}`);
    const env = { ...hosts.env, WORK_DIR: workDir };
    const wt: WorkTree = await hosts.sourceTree(`wt-${name}`, `team/${name}`);
    const sha = await wt.commit(`${name} change`);
    await wt.push("HEAD:main");
    const raw = await giteaPush(hosts.source.url, { fullName: `team/${name}`, ref: "refs/heads/main" });
    const hook = (url: string) => postHook(url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
    const running = (url: string, id: string) =>
      pollUntil(async () => (await getJob(url, id)).json.state === "running" || undefined, { what: "the sync to run" });
    const targetSha = async () => (await refsOf(hosts.target.repoDir(`mirror/${name}`)))["refs/heads/main"];
    return { configPath, workDir, env, sha, hook, running, targetSha };
  }

  test("kill -9 after a webhook was acknowledged: the next start on the same WORK_DIR runs the sync", async () => {
    const s = await setup("crash", 10);
    const first = await spawnBridge(["--import", "tsx", CHILD, s.configPath], s.env);
    const r = await s.hook(first.url);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "accepted");
    await s.running(first.url, r.json.job_id);
    first.proc.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");
    await sleep(300);
    assert.notEqual(await s.targetSha(), s.sha, "the killed bridge had not pushed yet");

    const second = await spawnBridge(["--import", "tsx", CHILD, s.configPath], s.env);
    // The dead process's repo lock goes stale after 30 s; then the re-queued sync runs.
    await waitRef(hosts.target, "mirror/crash", "refs/heads/main", s.sha, 60_000);
    const job = await pollUntil(async () => {
      const j = await getJob(second.url, r.json.job_id);
      return j.json.state === "succeeded" ? j.json : undefined;
    }, { what: "the acknowledged job to succeed after the restart" });
    assert.equal(job.id, r.json.job_id, "the same acknowledged job, re-run");
    assert.match(second.log(), /resuming unfinished jobs/);
    second.proc.kill("SIGTERM");
    assert.equal((await second.exited).code, 0);
    transcript.push(first.log(), second.log());
    assert.deepEqual(await canaryFiles(s.workDir), []);
  });

  test("SIGTERM on `git-bridge serve`: exits 0 within the drain deadline after the running sync finishes", async () => {
    const s = await setup("drain", 20);
    const port = await freePort();
    const child = await spawnBridge(["scripts/bin.mjs", "serve", "--config", s.configPath, "--host", "127.0.0.1"], { ...s.env, PORT: String(port) });
    assert.equal(child.url, `http://127.0.0.1:${port}`);
    const r = await s.hook(child.url);
    assert.equal(r.json.status, "accepted", r.text);
    await s.running(child.url, r.json.job_id);
    child.proc.kill("SIGTERM");
    const { code } = await child.exited;
    assert.equal(code, 0, child.log());
    assert.equal(await s.targetSha(), s.sha, "the in-flight sync finished before the exit");
    assert.match(child.log(), /"msg":"shutting down","signal":"SIGTERM"/);
    assert.match(child.log(), /git-bridge stopped/);
    transcript.push(child.log());
    assert.deepEqual(await canaryFiles(s.workDir), []);
  });

  test("SIGTERM past the drain deadline: exits 0 promptly, the sync stays queued and the next start runs it", async () => {
    const s = await setup("abort", 1);
    const port = await freePort();
    const args = ["scripts/bin.mjs", "serve", "--config", s.configPath, "--host", "127.0.0.1"];
    const child = await spawnBridge(args, { ...s.env, PORT: String(port) });
    const r = await s.hook(child.url);
    assert.equal(r.json.status, "accepted", r.text);
    await s.running(child.url, r.json.job_id);
    child.proc.kill("SIGTERM");
    const { code } = await child.exited;
    assert.equal(code, 0, child.log());
    // 1 s drain deadline, then the sync is aborted (git killed) and the journal closed.
    assert.match(child.log(), /sync stopped at shutdown; it runs again after the restart/);
    assert.notEqual(await s.targetSha(), s.sha, "the aborted sync did not push");

    const next = await spawnBridge(args, { ...s.env, PORT: String(await freePort()) });
    await waitRef(hosts.target, "mirror/abort", "refs/heads/main", s.sha, 30_000);
    const job = await pollUntil(async () => {
      const j = await getJob(next.url, r.json.job_id);
      return j.json.state === "succeeded" ? j.json : undefined;
    }, { what: "the job to succeed after the restart" });
    assert.equal(job.attempts, 1, "the aborted attempt is not counted");
    next.proc.kill("SIGTERM");
    assert.equal((await next.exited).code, 0);
    transcript.push(child.log(), next.log());
    assert.deepEqual(await canaryFiles(s.workDir), []);
  });

  after(() => {
    assert.deepEqual(transcript.flatMap((t) => findCanaries(t)), [], "no canary in a child's log or a response");
  });
});
