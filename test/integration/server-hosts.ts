// The git hosts of the bridge-server tests and the secrets they hold: two real git smart-HTTP
// servers whose every credential is a unique, greppable canary, the per-host request counts, and
// the transcript of every HTTP body and log line the tests saw, for the canary-secret checks.
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type WorkTree, workTree } from "../harness/git-cli.ts";
import { type GitServer, startGitServer } from "../harness/git-server.ts";

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
  SLACK_SIGNING: "canary-slacksigning-8e9f0a1b2c3d4e5f",
  SLACK_APP: "xapp-canary-slackapp-0a1b2c3d4e5f6a7b",
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
  /** WORK_DIRs of the bridges started on these hosts (startBridgeOn), for the canary file checks. */
  workDirs: string[];
  /** Creates each of `sourcePaths` on the source host and mirror/<name> on the target for each of `mirrors`. */
  createRepos(sourcePaths: string[], mirrors: string[]): Promise<void>;
  /** A work tree in <dir>/<name> that pushes to `path` on the source host (as the tester). */
  sourceTree(name: string, path: string): Promise<WorkTree>;
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
    workDirs: [],
    async createRepos(sourcePaths, mirrors) {
      await Promise.all([...sourcePaths.map((p) => source.createRepo(p)), ...mirrors.map((m) => target.createRepo(`mirror/${m}`))]);
    },
    sourceTree: (name, path) => workTree(join(dir, name), source.authedUrl(path)),
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
