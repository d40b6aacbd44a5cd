// Sync benchmark: the bridge against the floor — a hand-written `git fetch` + `git push` of the same
// refs between the same two smart-HTTP servers — in the same run. Prints medians and ratios.
//   npm run bench                 (both engines, small and large repos)
//   npm run bench -- --quick      (small repo only)
//   npm run bench -- --engine=native|isomorphic
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitServer } from "../test/harness/git-server.ts";
import { git, workTree } from "../test/harness/git-cli.ts";
import { parseConfig } from "../server/config/load-config.ts";
import { syncRepo } from "../server/mirror/sync.ts";
import { runGit } from "../server/mirror/git/git-process.ts";
import { createNativeEngine } from "../server/mirror/git/native.ts";
import { createIsomorphicEngine } from "../server/mirror/git/isomorphic.ts";
import type { GitEngine } from "../server/mirror/git/types.ts";
import { generateRepo, type RepoShape } from "./gen-repo.ts";

const quick = process.argv.includes("--quick");
const SHAPES: Array<[string, RepoShape]> = [
  ["small (50 commits, 3 branches, 10 tags)", { commits: 50, branches: 3, tags: 10 }],
  ...(quick ? [] : [["large (5,000 commits, 20 branches, 200 tags)", { commits: 5000, branches: 20, tags: 200 }] as [string, RepoShape]]),
];
const engineFilter = process.argv.find((a) => a.startsWith("--engine="))?.slice("--engine=".length);
const ENGINES: Array<[string, () => GitEngine]> = ([["native", createNativeEngine], ["isomorphic", createIsomorphicEngine]] as Array<[string, () => GitEngine]>)
  .filter(([name]) => !engineFilter || name === engineFilter);
const REPEAT = quick ? 3 : 5;
const USER = { username: "bench", password: "bench-token-0123456789" };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const rows: string[][] = [["repo", "engine", "phase", "floor ms", "bridge ms", "ratio"]];
const report = (row: string[]) => {
  rows.push(row);
  console.error(row.join("  ")); // progress; the table comes at the end
};

for (const [label, shape] of SHAPES) {
  const dir = await mkdtemp(join(tmpdir(), "gb-bench-"));
  const server = await startGitServer({ root: join(dir, "srv"), users: { bench: USER.password } });
  await generateRepo(server.repoDir("up/src"), shape);
  const wt = await workTree(join(dir, "wt"), server.authedUrl("up/src"));
  await wt.git("fetch", "--quiet", "origin", "main");
  await wt.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
  const remote = (path: string) => ({ url: server.repoUrl(path), auth: USER });

  // The floor: what a person would write by hand to mirror these refs.
  let floorN = 0;
  const floorSync = async (cache: string, target: string) => {
    await runGit({ args: ["--git-dir", cache, "fetch", "--quiet", "--prune", "--", server.repoUrl("up/src"), "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], auth: USER });
    await runGit({ args: ["--git-dir", cache, "push", "--quiet", "--", server.repoUrl(target), "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"], auth: USER });
  };

  for (const [engineName, makeEngine] of ENGINES) {
    const measure = async (phase: string, prepare: () => Promise<unknown>, floor: () => Promise<unknown>, bridge: () => Promise<unknown>, n: number) => {
      const f: number[] = [], b: number[] = [];
      for (let i = 0; i < n; i++) {
        await prepare();
        f.push(await time(floor));
        b.push(await time(bridge));
      }
      report([label, engineName, phase, median(f).toFixed(0), median(b).toFixed(0), (median(b) / median(f)).toFixed(2) + "x"]);
    };
    const engine = makeEngine();
    let run = 0;
    const fresh = async () => {
      const n = `${engineName}-${run++}`;
      const floorCache = join(dir, `floor-${n}.git`);
      await git(dir, "init", "--bare", "--quiet", floorCache);
      await server.createRepo(`floor/${n}`);
      await server.createRepo(`bridge/${n}`);
      const config = parseConfig(
        `providers:
  host: { type: git, base_url: "${server.url}", allow_insecure_http: true, allow_private_network: true, credentials: { git_username: bench, git_password: "\${P}" } }
  host2: { type: git, base_url: "http://localhost:${server.port}", allow_insecure_http: true, allow_private_network: true, credentials: { git_username: bench, git_password: "\${P}" } }
mirror: { timeout_seconds: 600 }
repos:
  - { name: "b${n}", source: host, target: host2, source_path: up/src, target_path: "bridge/${n}" }
`,
        join(dir, "config.yaml"),
        { P: USER.password, WORK_DIR: join(dir, "work") },
      );
      return {
        floor: () => floorSync(floorCache, `floor/${n}`),
        bridge: () => syncRepo({ git: engine, resolveHost: async () => ["127.0.0.1"] }, config, { repo: `b${n}` }),
      };
    };

    // Initial: a fresh target and cache every round.
    const initial = { f: [] as number[], b: [] as number[] };
    let steady!: Awaited<ReturnType<typeof fresh>>;
    for (let i = 0; i < (quick ? 2 : 3); i++) {
      steady = await fresh();
      initial.f.push(await time(steady.floor));
      initial.b.push(await time(steady.bridge));
    }
    report([label, engineName, "initial", median(initial.f).toFixed(0), median(initial.b).toFixed(0), (median(initial.b) / median(initial.f)).toFixed(2) + "x"]);

    const newCommit = async () => {
      await wt.commit(`bench ${floorN++}`);
      await wt.push("main");
    };
    await measure("incremental (1 commit)", newCommit, steady.floor, steady.bridge, REPEAT);
    await measure("no-op", async () => {}, steady.floor, steady.bridge, REPEAT);
  }
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log("| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |");
