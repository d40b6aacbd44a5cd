#!/usr/bin/env node
// Runs every *.test.ts on Node (node:test through tsx), then the smoke subset under Deno and Bun.
// Usage: npm test [-- <file or dir filter>...]   Set SKIP_RUNTIMES=1 to run only the Node suite.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
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

const files = ["server", "bot", "hooks", "scripts", "test"]
  .flatMap((d) => { try { return find(join(root, d)); } catch { return []; } })
  .filter((f) => !f.startsWith("test/smoke/"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;
let failed = 0;
if (files.length) {
  failed |= run(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files]);
}
if (!process.env.SKIP_RUNTIMES && filters.length === 0) {
  const bin = (n) => join(root, "node_modules", ".bin", n);
  console.log("\n# smoke subset under Deno");
  failed |= run(bin("deno"), ["run", "--allow-all", "test/smoke/smoke.ts"]);
  console.log("\n# smoke subset under Bun");
  failed |= run(bin("bun"), ["test/smoke/smoke.ts"]);
}
process.exit(failed ? 1 : 0);
