// The kit of the bridge-server integration tests (server-*.test.ts): the real bridge (startBridge)
// on 127.0.0.1:0 with its log lines captured. So that a test imports from one place, it also passes
// on the git hosts, canary secrets and transcript (server-hosts.ts), config.yaml (server-config.ts),
// the HTTP client (server-http.ts) and polling (server-poll.ts). Webhook payloads are in
// server-payloads.ts, the Slack stand-in and the counting proxy in server-fakes.ts.
import { join } from "node:path";
import { parseConfig } from "../../server/config/index.ts";
import type { Config } from "../../server/config/types.ts";
import { type RunningBridge, startBridge } from "../../server/bridge.ts";
import { type Hosts, transcript } from "./server-hosts.ts";
import type { Clock } from "../../server/deps.ts";
import type { MigrationDeps } from "../../scripts/migrate/api.ts";

export { refsOf } from "../harness/git-cli.ts";
export * from "./server-hosts.ts";
export * from "./server-config.ts";
export * from "./server-http.ts";
export * from "./server-poll.ts";

export interface TestBridge {
  url: string;
  bridge: RunningBridge;
  config: Config;
  workDir: string;
  logs: string[];
  stop(deadlineMs?: number): Promise<void>;
}

export interface BridgeOptions {
  slackApiUrl?: string;
  /** The Slack app's options (tests: no Web API retries). */
  slack?: { retries?: number; migrationDeps?: Partial<MigrationDeps> };
  fetch?: typeof fetch;
  /** deps.clock (default: the system clock). */
  clock?: Clock;
  /** deps.env of the bridge (default {}): what ${VAR}s in migration.yaml expand from. */
  bridgeEnv?: Record<string, string>;
}

export async function startTestBridge(o: BridgeOptions & {
  yaml: string;
  env: Record<string, string>;
  workDir: string;
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
    ...(o.slack ? { slack: o.slack } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.bridgeEnv ? { env: o.bridgeEnv } : {}),
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

/**
 * A bridge with the hosts' environment and WORK_DIR `<hosts.dir>/<workDirName>`, which goes into
 * hosts.workDirs for the canary file checks.
 */
export function startBridgeOn(hosts: Hosts, yaml: string, workDirName = "work", o: BridgeOptions = {}): Promise<TestBridge> {
  const workDir = join(hosts.dir, workDirName);
  hosts.workDirs.push(workDir);
  return startTestBridge({ yaml, env: hosts.env, workDir, ...o });
}
