// A job replayed from the journal at start-up can finish before the bridge's services have all
// started; its Slack notification must still go out (the notifier is registered before anything
// can finish). A service that holds start-up until the replayed job is done makes the race certain.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../../server/config/index.ts";
import { type RunningBridge, startBridge } from "../../server/bridge.ts";
import { createNativeEngine } from "../../server/mirror/git/native.ts";
import type { GitEngine } from "../../server/mirror/git/types.ts";
import { type RecordingServer, startRecorder } from "./server-fakes.ts";
import { CANARY, configYaml, findCanaries, type Hosts, mirrorRepo, pollUntil, SECRETS_YAML, startHosts, waitRef } from "./server-kit.ts";

let hosts: Hosts;
let slack: RecordingServer;
const bridges: RunningBridge[] = [];
const logs: string[] = [];

before(async () => {
  hosts = await startHosts("gb-startup-");
  slack = await startRecorder("ok");
  await hosts.createRepos(["team/app"], ["app"]);
  hosts.env.SLACK_WEBHOOK = `${slack.url}/services/T0000/B0000/${CANARY.SLACK_HOOK}`;
});
after(async () => {
  for (const b of bridges) await b.stop(1000).catch(() => {});
  await slack?.close();
  await hosts?.close();
});

/** Every remote call waits until the sync is aborted (the first bridge's shutdown deadline). */
function stuckEngine(): GitEngine {
  const native = createNativeEngine();
  const wait = (signal?: AbortSignal) =>
    new Promise<never>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
  return { ...native, listRemote: (_r, _p, o) => wait(o?.signal), fetch: (_c, _r, _s, o) => wait(o?.signal) };
}

test("a job replayed from the journal that finishes during start-up still sends its Slack notification", async () => {
  const wt = await hosts.sourceTree("wt", "team/app");
  const sha = await wt.commit("replayed at start-up");
  await wt.push("HEAD:main");
  const yaml = configYaml({
    providers: {
      gt: { type: "gitea", baseUrl: hosts.source.url, tokenVar: "GITEA_TOKEN" },
      dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
    },
    repos: [mirrorRepo("app", "gt", "team/app")],
    top: `${SECRETS_YAML}notification:\n  slack:\n    webhook_url: "\${SLACK_WEBHOOK}"\n`,
  });
  const config = parseConfig(yaml, "config.yaml", { ...hosts.env, WORK_DIR: join(hosts.dir, "work") });
  const common = { config, port: 0, hostname: "127.0.0.1", write: (l: string) => void logs.push(l) };

  // First life: the job is taken, then the bridge stops with it unfinished, so it stays journaled.
  const first = await startBridge({ ...common, git: stuckEngine() });
  bridges.push(first);
  const { job } = await first.queue.enqueue({ repo: "app", direction: "source-to-target", source: "retry-api" });
  await pollUntil(() => first.queue.get(job.id)?.state === "running" || undefined, { what: "the job to start" });
  await first.stop(300);
  assert.equal(slack.requests.length, 0, "an interrupted job notifies nobody");

  // Second life: the journal replays the job at once; start-up is held until it has finished.
  let finishedDuringStartUp = false;
  const second = await startBridge({
    ...common,
    services: (deps) => [{
      name: "held-start-up",
      async start() {
        await pollUntil(() => {
          const state = deps.queue.get(job.id)?.state;
          return state === "succeeded" || state === "partial" || state === "failed" ? state : undefined;
        }, { what: "the replayed job to finish", timeoutMs: 30_000 });
        finishedDuringStartUp = true;
      },
      stop() {},
    }],
  });
  bridges.push(second);
  assert.ok(finishedDuringStartUp);
  await waitRef(hosts.target, "mirror/app", "refs/heads/main", sha);
  const post = await pollUntil(() => slack.requests[0], { what: "the Slack notification", timeoutMs: 10_000 });
  assert.match(post.body, /app/);
  assert.match(post.body, /retry-api/);
  // Nothing was enqueued on the second bridge: the job it ran came from the journal.
  assert.ok(second.queue.get(job.id), "the second bridge knows the job from the journal");
  assert.deepEqual(findCanaries(logs.join("\n")), []);
});
