#!/usr/bin/env node
// Runs every *.test.ts on Node (node:test through tsx) against a freshly built dist/ (the bundle
// the CLI and the hook run on Node), then the smoke subset under each of Deno and Bun that is
// present, saying plainly which it skipped.
// Usage: npm test [-- <file or dir filter>...]   SKIP_RUNTIMES=1: the Node suite only.
// GIT_BRIDGE_REQUIRE_RUNTIMES=1 (CI): a missing deno or bun fails the run instead of being skipped.
// Deno and Bun are found on PATH, else in .runtimes/ (`npm run runtimes` installs them there) or
// node_modules/.bin; the directory they were found in goes on the tests' PATH, so the hook tests
// find them as a git server would.
import { spawnSync } from "node:child_process";
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "./build.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

function findRuntime(name) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), join(root, ".runtimes", "node_modules", ".bin"), join(root, "node_modules", ".bin")];
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch { /* next */ }
  }
  return undefined;
}

const files = ["server", "bot", "hooks", "scripts", "test"]
  .flatMap((d) => { try { return find(join(root, d)); } catch { return []; } })
  .filter((f) => !f.startsWith("test/smoke/"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

await buildDist({ quiet: true });
const runtimes = Object.fromEntries(["deno", "bun"].map((n) => [n, findRuntime(n)]));
const extraPath = [...new Set(Object.values(runtimes).filter(Boolean).map((p) => dirname(p)))];
const env = { ...process.env, PATH: [...extraPath, process.env.PATH ?? ""].join(delimiter) };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

let failed = 0;
if (files.length) {
  failed |= run(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files]);
}
if (!process.env.SKIP_RUNTIMES && filters.length === 0) {
  const required = process.env.GIT_BRIDGE_REQUIRE_RUNTIMES === "1";
  const skipped = [];
  for (const [name, label, args] of [["deno", "Deno", ["run", "--allow-all", "test/smoke/smoke.ts"]], ["bun", "Bun", ["test/smoke/smoke.ts"]]]) {
    if (!runtimes[name]) {
      skipped.push(label);
      console.log(`\n# ${required ? "FAILED" : "SKIPPED"}: the smoke subset under ${label}: ${name} is not installed (npm run runtimes)`);
      if (required) failed |= 1;
      continue;
    }
    console.log(`\n# smoke subset under ${label} (${runtimes[name]})`);
    failed |= run(runtimes[name], args);
  }
  console.log(skipped.length ? `\n# runtimes skipped: ${skipped.join(", ")}; ran: Node${["Deno", "Bun"].filter((l) => !skipped.includes(l)).map((l) => `, ${l}`).join("")}` : "\n# ran on Node, Deno and Bun");
}
process.exit(failed ? 1 : 0);
