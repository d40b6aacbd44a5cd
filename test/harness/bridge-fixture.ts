// A whole bridge set-up for integration tests: two real git smart-HTTP servers with their own
// canary credentials, a config.yaml pointing at them, and the CLI run in-process.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../scripts/cli.ts";
import { type GitServer, startGitServer } from "./git-server.ts";
import { type WorkTree, workTree } from "./git-cli.ts";

export const CANARY_SOURCE = "canary-src-7f3a9c1e2b4d6f80";
export const CANARY_TARGET = "canary-dst-51e8b0a4c7d2e963";

export interface FixtureOptions {
  engine?: "native" | "isomorphic" | "auto";
  direction?: "source-to-target" | "target-to-source" | "bidirectional";
  /** Extra YAML lines indented under the repo entry. */
  repoExtra?: string;
  /** Extra top-level YAML. */
  topExtra?: string;
  timeoutSeconds?: number;
  /** The environment of the source host's git http-backend and hooks (PATH and HOME unless given). */
  sourceServerEnv?: Record<string, string>;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BridgeFixture {
  dir: string;
  workDir: string;
  configPath: string;
  source: GitServer;
  target: GitServer;
  sourceRepo: string;
  targetRepo: string;
  env: Record<string, string>;
  /** Work trees that push to each side (test-side credentials in their remote URL). */
  src: WorkTree;
  dst: WorkTree;
  cli(...args: string[]): Promise<CliRun>;
  /** Every CLI output so far, for canary checks. */
  outputs: string[];
  writeConfig(opts: FixtureOptions): Promise<void>;
  close(): Promise<void>;
}

export async function bridgeFixture(opts: FixtureOptions = {}): Promise<BridgeFixture> {
  const dir = await mkdtemp(join(tmpdir(), "gb-it-"));
  const source = await startGitServer({ root: join(dir, "src-host"), users: { mirror: CANARY_SOURCE }, env: opts.sourceServerEnv });
  const target = await startGitServer({ root: join(dir, "dst-host"), users: { mirror: CANARY_TARGET } });
  const sourceRepo = "team/app";
  const targetRepo = "mirror/app";
  await source.createRepo(sourceRepo);
  await target.createRepo(targetRepo);
  const workDir = join(dir, "work");
  const configPath = join(dir, "config.yaml");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    SRC_USER: "mirror",
    SRC_PASS: CANARY_SOURCE,
    DST_USER: "mirror",
    DST_PASS: CANARY_TARGET,
    WORK_DIR: workDir,
  };
  const outputs: string[] = [];

  const fx: BridgeFixture = {
    dir,
    workDir,
    configPath,
    source,
    target,
    sourceRepo,
    targetRepo,
    env,
    outputs,
    src: await workTree(join(dir, "src-wt"), source.authedUrl(sourceRepo)),
    dst: await workTree(join(dir, "dst-wt"), target.authedUrl(targetRepo)),
    async writeConfig(o) {
      await writeFile(configPath, configYaml(source, target, o));
    },
    async cli(...args) {
      let stdout = "";
      let stderr = "";
      const code = await runCli([...args, "--config", configPath], {
        env,
        cwd: dir,
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        secrets: [],
      });
      outputs.push(stdout, stderr);
      return { code, stdout, stderr };
    },
    async close() {
      await source.close();
      await target.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await fx.writeConfig(opts);
  return fx;
}

function configYaml(source: GitServer, target: GitServer, o: FixtureOptions): string {
  return `# written by test/harness/bridge-fixture.ts
providers:
  src-host:
    type: git
    base_url: ${source.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials:
      git_username: "\${SRC_USER}"
      git_password: "\${SRC_PASS}"
  dst-host:
    type: git
    base_url: ${target.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials:
      git_username: "\${DST_USER}"
      git_password: "\${DST_PASS}"
mirror:
  timeout_seconds: ${o.timeoutSeconds ?? 60}
git:
  engine: ${o.engine ?? "native"}
repos:
  - name: app
    source: src-host
    target: dst-host
    source_path: team/app
    target_path: mirror/app
    direction: ${o.direction ?? "source-to-target"}
${o.repoExtra ?? ""}
${o.topExtra ?? ""}
`;
}

/** Every file under `dir` whose bytes contain `needle` (for canary checks). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string) => {
    for (const name of await readdir(d).catch(() => [] as string[])) {
      const p = join(d, name);
      // A background hook worker may rename or remove a file meanwhile (a spool claim, a result):
      // a file that is gone holds nothing.
      const s = await stat(p).catch(() => undefined);
      if (s?.isDirectory()) await walk(p);
      else if (s && (await readFile(p).catch(() => Buffer.alloc(0))).includes(needle)) hits.push(p);
    }
  };
  await walk(dir);
  return hits;
}

/** Ends a suite: the canary credentials never reached CLI output or a file under WORK_DIR; then closes. */
export async function checkCanariesAndClose(fx: BridgeFixture): Promise<void> {
  for (const out of fx.outputs) {
    assert.ok(!out.includes(CANARY_SOURCE) && !out.includes(CANARY_TARGET), "a canary token leaked into CLI output");
  }
  assert.deepEqual(await filesContaining(fx.workDir, CANARY_SOURCE), []);
  assert.deepEqual(await filesContaining(fx.workDir, CANARY_TARGET), []);
  await fx.close();
}
