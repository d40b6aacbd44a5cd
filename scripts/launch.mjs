// How Node starts git-bridge (the CLI, scripts/bin.mjs, and the hook, hooks/node-entry.mjs): the
// bundle in dist/ when it was built from exactly the sources on disk (see scripts/build.mjs), and
// the .ts sources through tsx otherwise — a checkout edited or pulled since the last build runs
// its current code, only slower, until `npm run build`. Plain JavaScript: nothing to compile.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

const checkout = new URL("..", import.meta.url);

/** Why dist/ cannot be used, or undefined when every source it was built from is unchanged. */
export function staleReason(root = checkout) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL("dist/manifest.json", root), "utf8"));
  } catch {
    return "dist/ is not built";
  }
  for (const [path, size, mtimeMs, sha] of manifest.inputs) {
    const url = new URL(path, root);
    let s;
    try {
      s = statSync(url);
    } catch {
      return `${path} is gone`;
    }
    if (s.size === size && s.mtimeMs === mtimeMs) continue;
    // Touched (a checkout, a copy) but maybe not changed: the content decides.
    if (s.size !== size || createHash("sha256").update(readFileSync(url)).digest("hex") !== sha) return `${path} changed`;
  }
  return undefined;
}

/** Imports the bundle `name` (dist/<name>.mjs), or the TypeScript `source` when the bundle is stale. */
export async function load(name, source) {
  if (process.env.GIT_BRIDGE_FROM_SOURCE !== "1" && staleReason() === undefined) {
    return import(new URL(`dist/${name}.mjs`, checkout).href);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(new URL(source, checkout).href);
}
