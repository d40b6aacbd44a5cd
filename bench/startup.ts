// Start-up benchmark: what a CLI call and a hook run cost on Node, against baselines measured in
// the same run. Prints medians and ratios:
//   - `git-bridge --help` (the dist/ bundle, and the .ts sources through tsx) vs a bare `node -e 0`;
//   - what the post-receive hook adds to a `git push` over smart HTTP (installed with the defaults,
//     so the pusher waits for the mirror's one-line answer) vs the same push with no hook.
//   - the hook's own start-up: the installed shim run as git runs it, with no ref line to relay
//     (shim + node + the hook's code, nothing mirrored), bundle vs tsx, vs bare node;
//   - the mirror's own time as the hook's worker logs it (duration_ms), which the pusher waits for
//     up to the hook's budget (hooks/foreground.ts BUDGET_MS).
// Goals (issue 8): the CLI at most 3x bare node; the hook adding at most 250 ms on Node.
//   npm run bench:startup [-- --runs=N]
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildDist } from "../scripts/build.mjs";
import { CANARY_SOURCE, CANARY_TARGET } from "../test/harness/bridge-fixture.ts";
import { join } from "node:path";
import { hookFixture, mirrored, runShim, workersDone } from "../hooks/test-kit.ts";

const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice("--runs=".length) ?? 9);
const BIN = fileURLToPath(new URL("../scripts/bin.mjs", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${Math.round(x)} ms`;

function timed(cmd: string, args: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    execFile(cmd, args, { env }, (err) => (err ? reject(err) : resolve(performance.now() - t)));
  });
}

/** Interleaved, so a change in the machine's load hits every variant alike. */
async function interleave(variants: Array<[string, () => Promise<number>]>): Promise<Map<string, number>> {
  const samples = new Map(variants.map(([name]) => [name, [] as number[]]));
  for (const [, fn] of variants) await fn(); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [name, fn] of variants) samples.get(name)!.push(await fn());
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

await buildDist({ quiet: true });
const noTsx = { ...process.env, NODE_OPTIONS: "" };
const cli = await interleave([
  ["node -e 0", () => timed(process.execPath, ["-e", "0"], noTsx)],
  ["git-bridge --help (bundle)", () => timed(process.execPath, [BIN, "--help"], noTsx)],
  ["git-bridge --help (tsx)", () => timed(process.execPath, [BIN, "--help"], { ...noTsx, GIT_BRIDGE_FROM_SOURCE: "1" })],
]);
const bare = cli.get("node -e 0")!;
console.log(`\nCLI start-up on Node ${process.version}, median of ${RUNS}`);
for (const [name, m] of cli) console.log(`  ${name.padEnd(30)} ${ms(m).padStart(8)}   ${(m / bare).toFixed(1)}x bare node`);
const cliRatio = cli.get("git-bridge --help (bundle)")! / bare;
console.log(`  goal <= 3x: ${cliRatio <= 3 ? "met" : "NOT met"} (${cliRatio.toFixed(1)}x)`);

// The hook: a real push into a bare repo served by git http-backend, the hook installed with the
// defaults (runtime auto: node), the environment a git host gives it.
const vars = { SRC_USER: "mirror", SRC_PASS: CANARY_SOURCE, DST_USER: "mirror", DST_PASS: CANARY_TARGET };
const hf = await hookFixture({ sourceServerEnv: vars });
try {
  await hf.src.commit("base");
  await hf.push("main");
  let n = 0;
  const push = async () => {
    await hf.src.commit(`commit ${n++}`);
    return (await hf.push("main")).ms;
  };
  let hooked = 0;
  const hookPush = (fromSource: boolean) => async () => {
    hf.source.setEnv(fromSource ? { ...vars, GIT_BRIDGE_FROM_SOURCE: "1" } : vars);
    const sha = await hf.src.commit(`hooked ${n++}`);
    const r = await hf.push("main");
    await mirrored(hf, "refs/heads/main", sha, 60_000);
    await workersDone(hf, ++hooked, 60_000); // the next push starts with no worker running
    if (!/git-bridge: mirrored to dst-host: 1 ref/.test(r.stderr)) console.error(`  (a hooked push got: ${r.stderr.match(/git-bridge: [^\n]*/)?.[0]})`);
    return r.ms;
  };
  // Without a hook first, then with it: installing is not undone between runs.
  const plain = await interleave([["push, no hook", push]]);
  const inst = await hf.cli("hooks", "install", hf.sourceDir, "--repo", "app");
  if (inst.code !== 0) throw new Error(inst.stderr);
  const withHook = await interleave([
    ["push, hook (bundle)", hookPush(false)],
    ["push, hook (tsx)", hookPush(true)],
  ]);
  const shim = join(hf.sourceDir, "hooks", "post-receive");
  const startOnly = (fromSource: boolean) => async () => {
    const r = await runShim(shim, hf.sourceDir, "", { ...vars, PATH: process.env.PATH, HOME: hf.source.root, ...(fromSource ? { GIT_BRIDGE_FROM_SOURCE: "1" } : {}) });
    if (r.code !== 0 || r.stderr !== "") throw new Error(`the shim with no input: exit ${r.code}, ${r.stderr}`);
    return r.ms;
  };
  const start = await interleave([
    ["node -e 0", () => timed(process.execPath, ["-e", "0"], noTsx)],
    ["hook start-up (bundle)", startOnly(false)],
    ["hook start-up (tsx)", startOnly(true)],
  ]);
  const mirrorMs = (await hf.hookLog()).split("\n").filter((l) => l.includes('"hook worker done"')).map((l) => JSON.parse(l).duration_ms as number);
  const base = plain.get("push, no hook")!;
  console.log(`\nWhat the post-receive hook adds to a git push on Node (mirror included), median of ${RUNS}`);
  console.log(`  ${"push, no hook".padEnd(30)} ${ms(base).padStart(8)}`);
  for (const [name, m] of withHook) console.log(`  ${name.padEnd(30)} ${ms(m).padStart(8)}   +${ms(m - base)}   ${(m / base).toFixed(1)}x`);
  console.log(`  the mirror itself (worker's duration_ms, median of ${mirrorMs.length}): ${ms(median(mirrorMs))}; the pusher waits for it up to the hook's budget`);
  const added = withHook.get("push, hook (bundle)")! - base;
  console.log(`  goal <= 250 ms added: ${added <= 250 ? "met" : "NOT met"} (+${ms(added)})`);
  const bareNode = start.get("node -e 0")!;
  console.log(`\nThe hook's own start-up (shim + runtime + code, no ref to relay), median of ${RUNS}`);
  for (const [name, m] of start) console.log(`  ${name.padEnd(30)} ${ms(m).padStart(8)}   ${(m / bareNode).toFixed(1)}x bare node`);
} finally {
  await hf.close();
}
