// The reconcile sweep end to end: the real bridge on two real git hosts, ticks of the schedule
// fired by hand. A push no event announced is mirrored by the sweep; divergence is reported once
// per new state; overlapping ticks run one sweep; a repo that cannot be read shows its redacted
// error; /status agrees with the snapshot and /metrics (read with a Prometheus parser) moves with
// real syncs; status.token guards both.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import parsePrometheus from "parse-prometheus-text-format";
import { type WorkTree, workTree } from "../harness/git-cli.ts";
import {
  call,
  CANARY,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  SECRETS_YAML,
  refsOf,
  standardProviders,
  startHosts,
  TESTER,
  transcript,
} from "./server-kit.ts";
import { type RecordingServer, startRecorder } from "./server-fakes.ts";
import { queueIdle, type ScheduledBridge, startScheduledBridge } from "./reconcile-kit.ts";

const STATUS_TOKEN = "canary-statustoken-0a9b8c7d6e5f4a3b";

function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = parsePrometheus(text).find((f) => f.name === name);
  const m = family?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value);
}

describe("reconcile: scheduled sweeps, snapshot, /status and /metrics", () => {
  let hosts: Hosts;
  let slack: RecordingServer;
  let b: ScheduledBridge;
  let quiet: WorkTree;
  let split: WorkTree;
  let splitTarget: WorkTree;
  const auth = { authorization: `Bearer ${STATUS_TOKEN}` };

  before(async () => {
    hosts = await startHosts("gb-reconcile-");
    slack = await startRecorder("ok");
    hosts.env.SLACK_WEBHOOK = `${slack.url}/services/T0000/B0000/${CANARY.SLACK_HOOK}`;
    hosts.env.STATUS_TOKEN = STATUS_TOKEN;
    await hosts.createRepos(["team/quiet", "team/split", "team/broken", "team/steady"], ["quiet", "split", "broken", "steady"]);
    quiet = await hosts.sourceTree("wt-quiet", "team/quiet");
    split = await hosts.sourceTree("wt-split", "team/split");
    splitTarget = await workTree(`${hosts.dir}/wt-split-dst`, hosts.target.authedUrl("mirror/split"));
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: [
        mirrorRepo("quiet", "gt", "team/quiet"),
        mirrorRepo("split", "gt", "team/split"),
        mirrorRepo("broken", "gt", "team/broken", { target: "dst-wrong" }),
        mirrorRepo("steady", "gt", "team/steady"),
      ],
      reconcile: true,
      top: `${SECRETS_YAML}notification:\n  slack:\n    webhook_url: "\${SLACK_WEBHOOK}"\nstatus:\n  token: "\${STATUS_TOKEN}"\n`,
    });
    b = await startScheduledBridge(hosts, yaml, "work");
  });

  after(async () => {
    await b?.stop(2_000);
    await slack?.close();
    await hosts?.close();
    assert.deepEqual(transcript.flatMap(findCanaries), [], "no secret in any log line or response body");
    assert.ok(!transcript.some((t) => t.includes(STATUS_TOKEN)), "the status token is never echoed");
  });

  test("the schedule comes from reconcile.schedule (default: every 10 minutes)", () => {
    const [next] = b.time.held().filter((h) => h.at.getTime() - Date.parse("2026-03-02T10:00:30Z") >= 60_000);
    assert.equal(next.at.toISOString(), "2026-03-02T10:10:00.000Z");
  });

  test("a push no event announces is mirrored by the next scheduled sweep", async () => {
    const sha = await quiet.commit("nobody told the bridge");
    await quiet.push("main");
    assert.equal(b.bridge.snapshot.get("quiet")?.state, "unknown", "nothing compared before the first tick");
    await b.sweep();
    assert.equal(b.bridge.snapshot.get("quiet")?.state, "behind");
    assert.deepEqual(b.bridge.snapshot.get("quiet")?.refs.behind, ["refs/heads/main"]);
    await queueIdle(b);
    assert.equal((await refsOf(hosts.target.repoDir("mirror/quiet")))["refs/heads/main"], sha);
    const jobs = b.bridge.queue.list().filter((j) => j.request.repo === "quiet");
    assert.deepEqual(jobs.map((j) => [j.request.source, j.state]), [["reconcile", "succeeded"]]);
    const snap = b.bridge.snapshot.get("quiet")!;
    assert.equal(snap.state, "in_sync", "the finished job confirms both sides equal");
    assert.equal(snap.last_job?.source, "reconcile");
    assert.ok(snap.in_sync_at);
    // Nothing drifted: the next sweep queues nothing.
    await b.sweep();
    assert.equal(b.bridge.queue.list().filter((j) => j.request.repo === "quiet").length, 1);
  });

  test("a repo that cannot be read shows its redacted error and queues nothing", () => {
    const snap = b.bridge.snapshot.get("broken")!;
    assert.equal(snap.state, "unknown");
    assert.match(snap.check_error ?? "", /authentication failed for http:\/\/127\.0\.0\.1:\d+\/mirror\/broken\.git/);
    assert.deepEqual(findCanaries(snap.check_error ?? ""), []);
    assert.equal(b.bridge.queue.list().filter((j) => j.request.repo === "broken").length, 0);
  });

  test("a failed sync job's redacted error is the repo's last job", async () => {
    const { jobId } = await b.bridge.queue.enqueue({ repo: "broken", source: "cli" });
    await queueIdle(b);
    const snap = b.bridge.snapshot.get("broken")!;
    assert.equal(snap.last_job?.id, jobId);
    assert.equal(snap.last_job?.state, "failed");
    assert.match(snap.last_job?.error ?? "", /authentication failed/);
    assert.deepEqual(findCanaries(JSON.stringify(snap)), []);
  });

  test("a diverged ref is reported once per new state, in the log and on Slack, and not synced", async () => {
    await split.commit("base");
    await split.push("main");
    await b.sweep();
    await queueIdle(b);
    await splitTarget.git("fetch", "--quiet", "origin", "main");
    await splitTarget.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
    await split.commit("source side");
    await split.push("main");
    await splitTarget.commit("target side, never mirrored");
    await splitTarget.push("main");

    const reports = () => b.logs.filter((l) => l.includes('"refs diverged"') && l.includes('"split"')).length;
    const posts = () => slack.requests.filter((r) => r.body.includes("Refs diverged: split")).length;
    const jobs = () => b.bridge.queue.list().filter((j) => j.request.repo === "split").length;
    const jobsBefore = jobs();
    await b.sweep();
    assert.equal(b.bridge.snapshot.get("split")?.state, "diverged");
    assert.deepEqual(b.bridge.snapshot.get("split")?.refs.diverged, ["refs/heads/main"]);
    assert.equal(reports(), 1);
    await b.sweep();
    await b.sweep();
    assert.equal(reports(), 1, "the same divergence is not reported again");
    await new Promise((r) => setTimeout(r, 200)); // Slack posts are not awaited by the sweep
    assert.equal(posts(), 1);
    assert.equal(jobs(), jobsBefore, "a sync would skip the diverged ref: none is queued");

    // A new state (the source moved again) is news.
    await split.commit("source moves on");
    await split.push("main");
    await b.sweep();
    assert.equal(reports(), 2);
  });

  test("a tick that comes while a sweep runs does not start a second sweep", async () => {
    const gets = () => hosts.source.requests.filter((r) => r.service === "git-upload-pack" && r.method === "GET" && r.user !== null).length;
    const before = gets();
    const stats = b.bridge.reconcile.stats();
    hosts.source.setDelay(300);
    try {
      b.time.fireNext(); // starts a sweep, slowed down by the host
      while (!b.bridge.reconcile.stats().running) await new Promise((r) => setTimeout(r, 5));
      b.time.fireNext(); // the next tick arrives while it runs
      assert.equal(await b.bridge.reconcile.tick(), false, "a direct tick is refused as well");
      while (b.bridge.reconcile.stats().running) await new Promise((r) => setTimeout(r, 20));
    } finally {
      hosts.source.setDelay(0);
    }
    const now = b.bridge.reconcile.stats();
    assert.equal(now.completed, stats.completed + 1);
    assert.equal(now.skipped, stats.skipped + 2);
    assert.equal(gets() - before, 4, "one advertisement per repo: one sweep ran");
    assert.ok(b.logs.some((l) => l.includes("reconcile tick skipped")));
  });

  test("GET /status agrees with the snapshot, filters by state and needs status.token", async () => {
    await queueIdle(b);
    assert.equal((await call(`${b.url}/status`)).status, 401);
    assert.equal((await call(`${b.url}/status`, { headers: { authorization: "Bearer nope" } })).status, 401);
    const all = await call(`${b.url}/status`, { headers: auth });
    assert.equal(all.status, 200);
    const snap = b.bridge.snapshot.list();
    assert.deepEqual(all.json.repos.map((r: { repo: string; state: string }) => [r.repo, r.state]), snap.map((r) => [r.repo, r.state]));
    assert.equal(all.json.counts.diverged, 1);
    assert.deepEqual(all.json.queue, { queued: 0, running: 0 });
    const broken = all.json.repos.find((r: { repo: string }) => r.repo === "broken");
    assert.match(broken.check_error, /authentication failed/);
    const diverged = await call(`${b.url}/status?state=diverged`, { headers: auth });
    assert.deepEqual(diverged.json.repos.map((r: { repo: string }) => r.repo), ["split"]);
    const two = await call(`${b.url}/status?state=in_sync,unknown`, { headers: auth });
    assert.deepEqual(two.json.repos.map((r: { repo: string }) => r.repo).sort(), ["broken", "quiet", "steady"]);
    const bad = await call(`${b.url}/status?state=sideways`, { headers: auth });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /use one or more of in_sync, behind, ahead, diverged, unknown/);
  });

  test("GET /metrics parses as Prometheus text and its counters move with real syncs", async () => {
    assert.equal((await call(`${b.url}/metrics`)).status, 401);
    const first = await call(`${b.url}/metrics`, { headers: auth });
    assert.equal(first.status, 200);
    assert.match(first.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const before = metric(first.text, "git_bridge_syncs_total", { repo: "quiet", result: "succeeded" }) ?? 0;
    assert.equal(metric(first.text, "git_bridge_refs_diverged", { repo: "split" }), 1);
    assert.equal(metric(first.text, "git_bridge_refs_behind", { repo: "quiet" }), 0);
    assert.equal(metric(first.text, "git_bridge_syncs_total", { repo: "broken", result: "failed" }), 1);
    assert.equal(metric(first.text, "git_bridge_queue_depth"), 0);
    assert.ok(metric(first.text, "git_bridge_seconds_since_in_sync", { repo: "quiet" })! >= 0);
    assert.equal(metric(first.text, "git_bridge_seconds_since_in_sync", { repo: "broken" }), undefined, "never seen in sync");
    assert.equal(metric(first.text, "git_bridge_hook_spool_depth"), 0);
    assert.ok(metric(first.text, "git_bridge_process_resident_memory_bytes")! > 0);

    // A real sync (a push, then the sweep) and a webhook with a bad signature.
    await quiet.commit("one more");
    await quiet.push("main");
    await b.sweep();
    await queueIdle(b);
    const hook = await call(`${b.url}/webhook/gitea`, { method: "POST", headers: { "content-type": "application/json", "x-gitea-event": "push", "x-gitea-delivery": "d-1", "x-gitea-signature": "00" }, body: "{}" });
    assert.equal(hook.status, 401);
    const rid = hook.headers.get("x-request-id");
    assert.match(rid ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(b.logs.some((l) => l.includes('"webhook rejected"') && l.includes(`"request_id":"${rid}"`)), "the log line carries the request id");
    const second = (await call(`${b.url}/metrics`, { headers: auth })).text;
    assert.equal(metric(second, "git_bridge_syncs_total", { repo: "quiet", result: "succeeded" }), before + 1);
    assert.equal(metric(second, "git_bridge_webhook_deliveries_total", { provider: "gitea", outcome: "unauthorized" }), 1);
    assert.equal(metric(second, "git_bridge_webhook_deliveries_total", { provider: "github", outcome: "accepted" }), 0);
    const histogram = parsePrometheus(second).find((f) => f.name === "git_bridge_sync_duration_seconds")!;
    assert.equal(histogram.type, "HISTOGRAM");
    const allSyncs = parsePrometheus(second).find((f) => f.name === "git_bridge_syncs_total")!.metrics.reduce((n, m) => n + Number(m.value), 0);
    assert.equal(Number(histogram.metrics[0].count), allSyncs, "every finished sync is in the histogram");
    assert.equal(histogram.metrics[0].buckets?.["+Inf"], String(allSyncs));
    // Label values are config repo names only.
    const repos = new Set(parsePrometheus(second).flatMap((f) => f.metrics.map((m) => m.labels?.repo)).filter(Boolean));
    assert.deepEqual([...repos].sort(), ["broken", "quiet", "split", "steady"]);
  });

  test("/ready shows the reconcile service's last sweep", async () => {
    const ready = await call(`${b.url}/ready`);
    assert.match(ready.json.services.reconcile.detail, /last sweep .*: 4 repos, .* drifted/);
  });

  test("every log line is JSON, and each one about a request, job or sweep names its id", () => {
    const lines = b.logs.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const process = new Set(["git-bridge listening"]);
    const missing = lines.filter((l) => !process.has(String(l.msg)) && l.request_id === undefined && l.job === undefined && l.job_id === undefined && l.sweep_id === undefined);
    assert.deepEqual(missing.map((l) => l.msg), []);
    assert.ok(lines.some((l) => l.msg === "reconcile queued sync" && typeof l.job_id === "string" && typeof l.sweep_id === "string"));
  });

  test("the tester's own credentials never reach the bridge's output", () => {
    assert.ok(!transcript.some((t) => t.includes(TESTER.pass)));
  });
});
