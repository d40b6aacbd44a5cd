import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { staleReason as stale } from "./launch.mjs";

test("the bundle runs only while every source it was built from is unchanged", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gb-launch-"));
  try {
    const root = pathToFileURL(`${dir}/`);
    assert.equal(stale(root), "dist/ is not built");
    const src = join(dir, "a.ts");
    await writeFile(src, "export const a = 1;\n");
    const s = await stat(src);
    const sha = createHash("sha256").update(await readFile(src)).digest("hex");
    await mkdir(join(dir, "dist"));
    await writeFile(join(dir, "dist", "manifest.json"), JSON.stringify({ inputs: [["a.ts", s.size, s.mtimeMs, sha]] }));
    assert.equal(stale(root), undefined);
    await utimes(src, new Date(), new Date(Date.now() + 5000)); // touched, same bytes: still fresh
    assert.equal(stale(root), undefined);
    await writeFile(src, "export const a = 2;\n"); // same size, other bytes
    assert.equal(stale(root), "a.ts changed");
    await rm(src);
    assert.equal(stale(root), "a.ts is gone");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("this checkout's bundle is fresh (npm test builds it) and covers both entry points", async () => {
  assert.equal(stale(), undefined);
  const manifest = JSON.parse(await readFile(new URL("../dist/manifest.json", import.meta.url), "utf8")) as { inputs: Array<[string]> };
  const inputs = manifest.inputs.map(([p]) => p);
  for (const p of ["scripts/cli.ts", "hooks/post-receive.ts", "hooks/worker.ts", "server/main.ts"]) assert.ok(inputs.includes(p), p);
  const help = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [new URL("./bin.mjs", import.meta.url).pathname, "--help"], (err, out) => (err ? reject(err) : resolve(out)))
  );
  assert.match(help, /^usage: git-bridge <command>/);
});
