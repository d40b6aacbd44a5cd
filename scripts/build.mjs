#!/usr/bin/env node
// Builds the JavaScript that Node runs (npm's `prepare` step runs this on `npm install`/`npm ci`):
// dist/cli.mjs and dist/post-receive.mjs, bundled by esbuild from the .ts sources, which stay the
// one source of truth (Deno and Bun run them as they are). Dependencies stay in node_modules
// (external), so the bundle holds our code only. dist/manifest.json lists every source that went
// in, with its size, mtime and SHA-256: scripts/launch.mjs runs the bundle only while they all
// still match, and the sources through tsx otherwise, so a stale bundle never runs.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const ENTRIES = { cli: "scripts/cli.ts", "post-receive": "hooks/post-receive.ts" };

export async function buildDist({ quiet = false } = {}) {
  const started = performance.now();
  rmSync(`${root}dist`, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true, // dynamic imports (the hook's worker, `serve`) stay separate and lazy
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.startsWith("node_modules/"))
    .sort()
    .map((p) => {
      const s = statSync(`${root}${p}`);
      return [p, s.size, s.mtimeMs, createHash("sha256").update(readFileSync(`${root}${p}`)).digest("hex")];
    });
  writeFileSync(`${root}dist/manifest.json`, `${JSON.stringify({ entries: ENTRIES, inputs })}\n`);
  if (!quiet) console.error(`built dist/ from ${inputs.length} sources in ${Math.round(performance.now() - started)} ms`);
  return inputs.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildDist();
