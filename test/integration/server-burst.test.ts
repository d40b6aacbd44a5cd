// Bursts through the real bridge: a webhook storm for one repo collapses into at most two syncs,
// and twenty repos triggered at once all get mirrored with mirror.concurrency respected. The source
// host sits behind a counting proxy that delays each request, so syncs overlap measurably.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { git, type WorkTree } from "../harness/git-cli.ts";
import { type CountingProxy, startCountingProxy } from "./server-fakes.ts";
import {
  canaryFiles,
  configYaml,
  fetchesOf,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  pushesOf,
  refsOf,
  SECRETS_YAML,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitJob,
  waitRef,
} from "./server-kit.ts";
import { giteaHeaders, giteaPush, postHook } from "./server-payloads.ts";
import type { Job } from "../../server/queue/types.ts";

/** The most intervals [start, end) that cover one moment. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([s, e]) => [[s, 1], [e, -1]] as Array<[number, number]>).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

const CONCURRENCY = 3;
const REPOS = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, "0")}`);

describe("bridge server under bursts", () => {
  let hosts: Hosts;
  let proxy: CountingProxy;
  let b: TestBridge;
  let wt: WorkTree;

  before(async () => {
    hosts = await startHosts("gb-burst-");
    proxy = await startCountingProxy(hosts.source, 0);
    await hosts.createRepos(["team/burst", ...REPOS.map((r) => `team/${r}`)], ["burst", ...REPOS]);
    wt = await hosts.sourceTree("wt", "team/burst");
    const yaml = configYaml({
      providers: {
        // The bridge reaches the source through the proxy; the webhook payloads name the proxy's host.
        gt: { type: "gitea", baseUrl: proxy.url, tokenVar: "GITEA_TOKEN" },
        dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
      },
      repos: [
        mirrorRepo("burst", "gt", "team/burst"),
        ...REPOS.map((r) => mirrorRepo(r, "gt", `team/${r}`)),
      ],
      concurrency: CONCURRENCY,
      top: SECRETS_YAML,
    });
    b = await startBridgeOn(hosts, yaml);
  });

  after(async () => {
    await b?.stop(2000);
    await proxy?.close();
    await hosts?.close();
  });

  test("50 deliveries for one repo while it syncs: all 200 accepted, at most 2 syncs, the last push lands", async () => {
    await wt.commit("first");
    await wt.push("HEAD:main");
    proxy.delayMs = 400;
    try {
      const raw = await giteaPush(proxy.url, { fullName: "team/burst", ref: "refs/heads/main" });
      const r0 = await postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
      assert.equal(r0.json.status, "accepted");
      // Deliveries arrive while the first sync is running.
      await pollUntil(() => b.bridge.queue.stats().running === 1 || undefined, { what: "the first sync to start" });
      const second = await wt.commit("second");
      await git(wt.dir, "push", "--quiet", hosts.source.authedUrl("team/burst"), "HEAD:main");
      const replies = await Promise.all(
        Array.from({ length: 49 }, () => postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }))),
      );
      for (const r of replies) {
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "accepted");
      }
      const jobs = new Set([r0.json.job_id, ...replies.map((r) => r.json.job_id)]);
      assert.ok(jobs.size <= 2, `${jobs.size} jobs for one burst`);
      await waitRef(hosts.target, "mirror/burst", "refs/heads/main", second);
      for (const id of jobs) assert.equal((await waitJob(b.url, id)).job.state, "succeeded");
      const follow = [...jobs].find((id) => id !== r0.json.job_id);
      if (follow) assert.equal((await waitJob(b.url, follow)).job.merged, 48, "49 deliveries folded into one follow-up");
    } finally {
      proxy.delayMs = 0;
    }
    const fetches = fetchesOf(hosts.source, "team/burst");
    const pushes = pushesOf(hosts.target, "mirror/burst");
    assert.ok(fetches >= 1 && fetches <= 2, `${fetches} fetches of the source`);
    assert.ok(pushes >= 1 && pushes <= 2, `${pushes} pushes to the target`);
  });

  test("20 repos triggered at once: all mirrored, never more than mirror.concurrency syncs at a time", async (t) => {
    const sha = await wt.commit("for every repo");
    await Promise.all(REPOS.map((r) => git(wt.dir, "push", "--quiet", hosts.source.authedUrl(`team/${r}`), "HEAD:main")));
    proxy.maxRepos = 0;
    proxy.delayMs = 60;
    // The queue says when each job is done: no polling. (Polling 20 refs with `git for-each-ref`
    // every 50 ms started some 400 git processes a second on a 2-core machine, and that, not the
    // bridge, is where the syncs' time went.)
    const finished = new Map<string, Job>();
    let allDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (allDone = resolve));
    const ids = new Set<string>();
    const unsubscribe = b.bridge.queue.onFinished((job) => {
      finished.set(job.id, job);
      if (ids.size === REPOS.length && [...ids].every((id) => finished.has(id))) allDone();
    });
    try {
      const replies = await Promise.all(REPOS.map(async (r) => {
        const raw = await giteaPush(proxy.url, { fullName: `team/${r}`, ref: "refs/heads/main" });
        return postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
      }));
      for (const r of replies) assert.equal(r.json.status, "accepted", r.text);
      for (const r of replies) ids.add(r.json.job_id);
      assert.equal(ids.size, REPOS.length);
      if ([...ids].every((id) => finished.has(id))) allDone();
      // Only a guard against a hang (a job that never finishes), far beyond any load: not a speed limit.
      let guard: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([done, new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error(`jobs never finished: ${[...ids].filter((id) => !finished.has(id)).map((id) => `${id} ${b.bridge.queue.get(id)?.state}`).join(", ")}`)), 10 * 60_000);
      })]).finally(() => clearTimeout(guard));
    } finally {
      unsubscribe();
      proxy.delayMs = 0;
    }
    const jobs = [...ids].map((id) => finished.get(id)!);
    for (const j of jobs) assert.equal(j.state, "succeeded", `${j.request.repo}: ${j.error}`);
    for (const r of REPOS) assert.equal((await refsOf(hosts.target.repoDir(`mirror/${r}`)))["refs/heads/main"], sha, r);
    const overlap = maxOverlap(jobs.map((j) => [Date.parse(j.started_at!), Date.parse(j.finished_at!)]));
    t.diagnostic(`at most ${proxy.maxRepos} repos fetched at once, ${overlap} syncs running at once`);
    // Seen from the source host: repos being fetched at the same moment.
    assert.ok(proxy.maxRepos <= CONCURRENCY, `${proxy.maxRepos} repos fetched at once (concurrency ${CONCURRENCY})`);
    assert.ok(proxy.maxRepos >= 2, `syncs did run in parallel (${proxy.maxRepos})`);
    // Seen from the jobs' own start and finish times.
    assert.ok(overlap <= CONCURRENCY, `${overlap} syncs running at once`);
    for (const r of REPOS) assert.equal(fetchesOf(hosts.source, `team/${r}`), 1, r);
  });

  test("no canary secret in any response, log line or file under WORK_DIR", async () => {
    assert.deepEqual(transcript.flatMap(findCanaries), []);
    assert.deepEqual(await canaryFiles(b.workDir), []);
  });
});
