// Reconcile sweep benchmark: 1,000 configured repos, all in sync, on two local git hosts (in a
// child process), swept with the bridge's own sweep (in-process smart-HTTP advertisements,
// bounded concurrency), next to the floor measured in the same run: a plain loop fetching the
// same 2,000 ref advertisements. Prints medians, the ratio, and the sweep's peak memory.
//   npm run bench:reconcile [-- --repos=1000 --rounds=3 --cgi]
// (--cgi: hosts spawn `git http-backend` per request; see bench/git-hosts-child.ts)
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Buffer } from "node:buffer";
import { parseConfig } from "../server/config/load-config.ts";
import { createIsomorphicEngine } from "../server/mirror/git/isomorphic.ts";
import { sweep } from "../server/reconcile/sweep.ts";
import { createSnapshot } from "../server/status/snapshot.ts";
import { generateRepo } from "./gen-repo.ts";
import { git } from "../test/harness/git-cli.ts";

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);
const REPOS = arg("repos", 1000);
const ROUNDS = arg("rounds", 3);
const CGI = process.argv.includes("--cgi");
const USER = { username: "bench", password: "bench-token-0123456789" };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await mkdtemp(join(tmpdir(), "gb-reconcile-bench-"));
try {
  // One real repository (50 commits, 3 branches, 10 tags); every configured repo on both hosts
  // is a bare repo that borrows its objects (alternates) and carries the same refs, so all
  // 1,000 are in sync and advertise 14 refs each.
  const base = join(dir, "base.git");
  await generateRepo(base, { commits: 50, branches: 3, tags: 10 });
  await git(base, "pack-refs", "--all");
  const packed = await import("node:fs/promises").then((fs) => fs.readFile(join(base, "packed-refs"), "utf8"));
  const makeRepo = async (path: string) => {
    await mkdir(join(path, "objects", "info"), { recursive: true });
    await mkdir(join(path, "refs", "heads"), { recursive: true });
    await writeFile(join(path, "HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(path, "config"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n");
    await writeFile(join(path, "objects", "info", "alternates"), `${join(base, "objects")}\n`);
    await writeFile(join(path, "packed-refs"), packed);
  };
  const names = Array.from({ length: REPOS }, (_, i) => `repo-${String(i).padStart(4, "0")}`);
  for (const side of ["src", "dst"]) {
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => makeRepo(join(dir, "hosts", side, "org", `${n}.git`))));
  }

  const child = spawn(process.execPath, ["--import", "tsx", new URL("./git-hosts-child.ts", import.meta.url).pathname, join(dir, "hosts"), USER.username, USER.password, ...(CGI ? ["--cgi"] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [srcUrl, dstUrl] = await new Promise<string[]>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`git hosts exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(line.split(" ").slice(1)));
  });

  try {
    const yaml = `providers:
  src: { type: git, base_url: "${srcUrl}", allow_insecure_http: true, allow_private_network: true, credentials: { git_username: bench, git_password: "\${P}" } }
  dst: { type: git, base_url: "${dstUrl}", allow_insecure_http: true, allow_private_network: true, credentials: { git_username: bench, git_password: "\${P}" } }
repos:
${names.map((n) => `  - { name: ${n}, source: src, target: dst, source_path: org/${n}, target_path: org/${n} }`).join("\n")}
`;
    const config = parseConfig(yaml, join(dir, "config.yaml"), { P: USER.password, WORK_DIR: join(dir, "work") });
    const concurrency = config.reconcile.concurrency;
    const engine = createIsomorphicEngine();
    const redact = (s: string) => s;
    const snapshot = createSnapshot(config, redact);
    const deps = {
      config,
      git: engine,
      resolveHost: async () => ["127.0.0.1"],
      listRemote: engine.listRemote,
      snapshot,
      redact,
      now: () => new Date(),
    };

    // The floor: the same 2,000 advertisements, fetched one after another by a plain loop.
    const auth = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString("base64")}`;
    const urls = names.flatMap((n) => [`${srcUrl}/org/${n}.git`, `${dstUrl}/org/${n}.git`]);
    const floor = async () => {
      for (const u of urls) {
        const res = await fetch(`${u}/info/refs?service=git-upload-pack`, { headers: { authorization: auth } });
        if (res.status !== 200) throw new Error(`${u}: HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    };
    // For reference: the same plain fetches, `concurrency` at a time.
    const floorParallel = async () => {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < urls.length) {
          const u = urls[next++];
          const res = await fetch(`${u}/info/refs?service=git-upload-pack`, { headers: { authorization: auth } });
          await res.arrayBuffer();
        }
      }));
    };
    // Peak memory while a function runs, sampled every 20 ms, starting from a collected heap
    // (npm run bench:reconcile passes --expose-gc).
    const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
    const peaks = new Map<string, { rss: number; heap: number; baseRss: number }>();
    const sampled = async (name: string, fn: () => Promise<void>) => {
      gc();
      const base = process.memoryUsage();
      const peak = peaks.get(name) ?? { rss: 0, heap: 0, baseRss: base.rss };
      const sample = () => {
        const m = process.memoryUsage();
        peak.rss = Math.max(peak.rss, m.rss);
        peak.heap = Math.max(peak.heap, m.heapUsed);
      };
      const sampler = setInterval(sample, 20);
      try {
        await fn();
      } finally {
        clearInterval(sampler);
        sample();
        peaks.set(name, peak);
      }
    };
    const bridge = () =>
      sampled("sweep", async () => {
        const out = await sweep(deps, config.repos, { concurrency });
        const bad = out.filter((o) => !o.ok || o.status.state !== "in_sync");
        if (out.length !== REPOS || bad.length) throw new Error(`sweep saw ${bad.length} repos not in sync: ${JSON.stringify(bad[0])}`);
      });
    const time = async (fn: () => Promise<void>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };

    await floorParallel(); // warm-up: page cache, connection pools, JIT
    await bridge();
    const f: number[] = [], p: number[] = [], b: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      f.push(await time(() => sampled("floor", floor)));
      p.push(await time(floorParallel));
      b.push(await time(bridge));
      console.error(`round ${i + 1}: floor ${f[i].toFixed(0)} ms, parallel ${p[i].toFixed(0)} ms, sweep ${b[i].toFixed(0)} ms`);
    }
    const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
    const rows = [
      ["what", `median of ${ROUNDS} (ms)`, "sweep / this"],
      [`floor: plain loop, ${urls.length} advertisements one by one`, median(f).toFixed(0), `${(median(b) / median(f)).toFixed(2)}x`],
      [`plain fetches, ${concurrency} at a time`, median(p).toFixed(0), `${(median(b) / median(p)).toFixed(2)}x`],
      [`reconcile sweep, ${REPOS} repos, concurrency ${concurrency}`, median(b).toFixed(0), "1.00x"],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log("| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |");
    for (const [name, p] of peaks) {
      console.log(`${name} peak memory: rss ${mb(p.rss)} (process before it: ${mb(p.baseRss)}), heap used ${mb(p.heap)}`);
    }
    const sweepRss = peaks.get("sweep")!.rss;
    console.log("(the whole benchmark process under tsx; the git hosts run in a child process)");
    console.log(`goal: sweep < 10000 ms (${median(b) < 10_000 ? "met" : "MISSED"}), sweep <= 1.0x floor (${median(b) <= median(f) ? "met" : "MISSED"}), rss < 200 MB (${sweepRss < 200 * 1048576 ? "met" : "MISSED"})`);
  } finally {
    child.kill("SIGTERM");
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
