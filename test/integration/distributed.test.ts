// Distributed mode end to end: three `git-bridge serve` processes share one SQS FIFO queue and
// one S3 job store (both fauxqs on loopback). 100 signed Gitea webhooks for 10 repos go to the
// replicas in turn; one replica is killed with -9 while it runs a sync. Checked: every webhook's
// job ends succeeded and /jobs/:id answers on every surviving replica, no two syncs of one repo
// overlap (from the job records), the killed replica's sync is finished by another, every target
// equals its source.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { s3JobRecords } from "../../server/queue/sqs-fifo/job-records.ts";
import { SQS_TEST_KEYS, type SqsServer, startSqsServer } from "../harness/sqs-server.ts";
import type { WorkTree } from "../harness/git-cli.ts";
import {
  bearer,
  call,
  canaryFiles,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  refsOf,
  SECRETS_YAML,
  sleep,
  startHosts,
} from "./server-kit.ts";
import { giteaHeaders, giteaPush, postHook } from "./server-payloads.ts";

const REPOS = Array.from({ length: 10 }, (_, i) => `r${i}`);
const ROOT = new URL("../../", import.meta.url).pathname;

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  stderr: string[];
  workDir: string;
  alive: boolean;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function startReplica(hosts: Hosts, configPath: string, name: string): Promise<Replica> {
  const workDir = join(hosts.dir, `work-${name}`);
  hosts.workDirs.push(workDir);
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "scripts/bin.mjs"), "serve", "--config", configPath, "--host", "127.0.0.1"], {
    cwd: hosts.dir,
    env: { ...hosts.env, PORT: String(port), WORK_DIR: workDir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const r: Replica = { name, url: `http://127.0.0.1:${port}`, child, stderr: [], workDir, alive: true };
  child.stderr!.setEncoding("utf8").on("data", (s: string) => r.stderr.push(s));
  child.on("exit", () => (r.alive = false));
  await pollUntil(() => r.stderr.join("").includes("git-bridge listening") || undefined, {
    timeoutMs: 30_000,
    what: `replica ${name} to listen`,
  });
  return r;
}

describe("distributed mode: three replicas on one SQS FIFO queue", () => {
  let hosts: Hosts;
  let sqs: SqsServer;
  let queueUrl: string;
  const replicas: Replica[] = [];
  const trees: Record<string, WorkTree> = {};
  const records = () =>
    s3JobRecords({ bucket: "git-bridge-jobs", prefix: "git-bridge/", region: "us-east-1", endpoint: sqs.url, credentials: { accessKey: SQS_TEST_KEYS.accessKeyId, secretKey: SQS_TEST_KEYS.secretAccessKey } });

  before(async () => {
    hosts = await startHosts("gb-dist-");
    await hosts.createRepos(REPOS.map((r) => `team/${r}`), REPOS);
    for (const r of REPOS) trees[r] = await hosts.sourceTree(`wt-${r}`, `team/${r}`);
    sqs = await startSqsServer();
    queueUrl = (await sqs.createQueue("git-bridge-jobs", { fifo: true })).url;
    const s3 = new S3Client({ region: "us-east-1", endpoint: sqs.url, forcePathStyle: true, credentials: SQS_TEST_KEYS });
    await s3.send(new CreateBucketCommand({ Bucket: "git-bridge-jobs" }));
    s3.destroy();
    const yaml = configYaml({
      providers: {
        gt: { type: "gitea", baseUrl: hosts.source.url, tokenVar: "GITEA_TOKEN" },
        dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
      },
      repos: REPOS.map((r) => mirrorRepo(r, "gt", `team/${r}`)),
      concurrency: 2,
      drainSeconds: 5,
      top: `${SECRETS_YAML}queue:
  type: sqs
  queue_url: "${queueUrl}"
  region: us-east-1
  endpoint: "${sqs.url}"
  visibility_timeout_seconds: 10
  wait_time_seconds: 1
  credentials: { access_key: ${SQS_TEST_KEYS.accessKeyId}, secret_key: ${SQS_TEST_KEYS.secretAccessKey} }
  job_store: { bucket: git-bridge-jobs }
`,
    });
    const configPath = join(hosts.dir, "config.yaml");
    await writeFile(configPath, yaml);
    for (const name of ["a", "b", "c"]) replicas.push(await startReplica(hosts, configPath, name));
  });

  after(async () => {
    for (const r of replicas) if (r.alive) r.child.kill("SIGTERM");
    await pollUntil(() => replicas.every((r) => !r.alive) || undefined, { timeoutMs: 20_000, what: "replicas to exit" });
    const logs = replicas.flatMap((r) => r.stderr).join("");
    assert.deepEqual(findCanaries(logs), [], "a canary secret reached a replica's log");
    for (const d of hosts.workDirs) assert.deepEqual(await canaryFiles(d), []);
    await sqs?.close();
    await hosts?.close();
  });

  test("100 webhooks for 10 repos, one replica killed -9 mid-run: nothing lost, no overlap, mirrors equal", async () => {
    hosts.target.setDelay(150); // syncs take a while, so the victim is caught holding one
    const accepted: { job: string; replica: string }[] = [];
    let victim: { replica: Replica; job: string } | undefined;
    let n = 0;
    const post = async (raw: Uint8Array, headers: Record<string, string>, k: number) => {
      // Round-robin over the live replicas, as a load balancer would; a dead one's refusal goes elsewhere.
      for (let tries = 0;; tries++) {
        const live = replicas.filter((r) => r.alive);
        const r = live[(k + tries) % live.length];
        const res = await postHook(r.url, "gitea", raw, headers).catch(() => undefined);
        if (res?.status === 200 && res.json.job_id) return { job: res.json.job_id as string, replica: r.name };
        assert.ok(tries < 5, `webhook ${k} refused everywhere: ${res?.status} ${res?.text}`);
      }
    };
    for (let round = 0; round < 5; round++) {
      // Each round: a commit pushed to every repo, then two webhooks per repo (distinct deliveries,
      // as when a host sends a push twice or two pushes land close together), all at once.
      await Promise.all(REPOS.map(async (repo) => {
        await trees[repo].commit(`${repo} ${round}`);
        await trees[repo].push("HEAD:refs/heads/main");
      }));
      const slow = round === 2; // this round's syncs are slowed down, and a replica killed during one
      if (slow) {
        // Idle first, so that no earlier sync covers this round's jobs: each needs a sync of its own.
        const store = await records();
        await pollUntil(async () => {
          const now = await Promise.all(accepted.map((a) => store.get(a.job)));
          return now.every((j) => j?.state === "succeeded") || undefined;
        }, { timeoutMs: 120_000, intervalMs: 250, what: "the first rounds to finish" });
        store.destroy();
        hosts.target.setDelay(1_000);
      }
      const since = new Date().toISOString();
      const sent = await Promise.all([...REPOS, ...REPOS].map(async (repo, i) => {
        const raw = await giteaPush(hosts.source.url, { fullName: `team/${repo}`, ref: "refs/heads/main" });
        return post(raw, giteaHeaders(raw, { delivery: randomUUID() }), n + i);
      }));
      accepted.push(...sent);
      n += sent.length;
      if (slow) {
        // Kill -9 a replica while it runs one of this round's (slow) syncs.
        const store = await records();
        const running = await pollUntil(async () => {
          const now = await Promise.all(sent.map((a) => store.get(a.job)));
          return now.find((j) => j?.state === "running" && j.started_at! >= since);
        }, { timeoutMs: 60_000, intervalMs: 20, what: "a slowed sync to start" });
        const holder = replicas.find((r) => running!.replica?.endsWith(`:${r.child.pid}`))!;
        holder.child.kill("SIGKILL");
        victim = { replica: holder, job: running!.id };
        store.destroy();
        hosts.target.setDelay(150);
      }
    }
    assert.equal(accepted.length, 100);
    assert.deepEqual(new Set(accepted.map((a) => a.replica)), new Set(["a", "b", "c"]), "webhooks spread over the replicas");
    assert.ok(victim && !victim.replica.alive, "a replica was killed");
    hosts.target.setDelay(0);

    // Every job ends succeeded; its record answers on every live replica.
    const store = await records();
    const final = await pollUntil(async () => {
      const all = await store.list();
      const byId = new Map(all.map((j) => [j.id, j]));
      return accepted.every((a) => byId.get(a.job)?.state === "succeeded") ? byId : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500, what: "every job to succeed" });
    for (const r of replicas.filter((x) => x.alive)) {
      for (const a of accepted.filter((_, i) => i % 7 === 0)) {
        const res = await call(`${r.url}/jobs/${a.job}`, { headers: bearer() });
        assert.equal(res.status, 200, `${r.name} /jobs/${a.job}`);
        assert.equal(res.json.state, "succeeded");
      }
    }

    // The victim's sync was finished by another replica.
    const taken = final.get(victim!.job)!;
    assert.ok(!taken.replica?.endsWith(`:${victim!.replica.child.pid}`), `job ${taken.id} finished on ${taken.replica}`);
    const ran = new Set([...final.values()].map((j) => j.replica?.split(":").pop()));
    assert.ok(ran.size >= 2, `syncs ran on ${[...ran].join(", ")}`);

    // No two syncs of one repo overlap: one interval per sync (merged jobs share a start).
    for (const repo of REPOS) {
      const syncs = new Map<string, [number, number]>();
      for (const j of final.values()) {
        if (j.request.repo !== repo) continue;
        syncs.set(`${j.replica}@${j.started_at}`, [Date.parse(j.started_at!), Date.parse(j.finished_at!)]);
      }
      const spans = [...syncs.values()].sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < spans.length; i++) {
        assert.ok(spans[i][0] >= spans[i - 1][1], `${repo}: a sync started at ${spans[i][0]} before the previous ended at ${spans[i - 1][1]}`);
      }
    }
    store.destroy();

    // Every mirror equals its source.
    await sleep(100);
    for (const repo of REPOS) {
      assert.deepEqual(await refsOf(hosts.target.repoDir(`mirror/${repo}`)), await refsOf(hosts.source.repoDir(`team/${repo}`)), repo);
    }
  });
});
