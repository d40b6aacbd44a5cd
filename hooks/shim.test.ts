import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { isShim, readShimSettings, renderShim, shellQuote, type ShimSettings } from "./shim.ts";

const sh = (script: string, env: Record<string, string> = {}) =>
  new Promise<string>((resolve, reject) =>
    execFile("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "", ...env } }, (err, out) => (err ? reject(err) : resolve(out)))
  );

const NASTY = ["plain", "with space", "it's", `"double"`, "$HOME", "`id`", "back\\slash", "new\nline", "'", "''", "*", "-n", "a;b|c&d", ""];

test("shellQuote: sh reads every value back byte for byte", async () => {
  for (const v of NASTY) assert.equal(await sh(`printf '%s' ${shellQuote(v)}`), v, JSON.stringify(v));
  assert.throws(() => shellQuote("nul\0byte"));
});

const settings = (over: Partial<ShimSettings> = {}): ShimSettings => ({
  checkout: "/opt/git bridge",
  entry: "/opt/git bridge/hooks/post-receive.ts",
  nodeEntry: "/opt/git bridge/hooks/node-entry.mjs",
  denoConfig: "/opt/git bridge/deno.json",
  config: "/etc/it's/config.yaml",
  repo: "app",
  mode: "push",
  side: "source",
  workDir: "/var/lib/gb \"work\"\n$HOME",
  envFile: "",
  runtime: "auto",
  chained: "",
  ...over,
});

test("renderShim: valid sh, values assigned exactly, settings readable back, no secrets asked for", async () => {
  const text = renderShim(settings());
  assert.ok(isShim(text));
  await sh(`sh -n /dev/stdin <<'EOF_SHIM'\n${text}\nEOF_SHIM`);
  // Run just the assignments and print them back.
  const from = text.indexOf("GB_CHECKOUT=");
  const assignments = text.slice(from, text.indexOf("\n", text.indexOf("GB_RUNTIME=")));
  assert.equal(await sh(`${assignments}\nprintf '%s' "$GB_WORK_DIR"`), settings().workDir);
  assert.equal(await sh(`${assignments}\nprintf '%s' "$GB_CONFIG"`), "/etc/it's/config.yaml");
  assert.equal(await sh(`${assignments}\nprintf '%s' "$GB_RUNTIME"`), "auto");
  assert.equal(await sh(`${assignments}\nprintf '%s' "$GB_RUNTIME"`, { GIT_BRIDGE_RUNTIME: "bun" }), "bun");
  assert.deepEqual(readShimSettings(text), {
    repo: "app", mode: "push", side: "source", config: "/etc/it's/config.yaml", workDir: settings().workDir, envFile: "", runtime: "auto", chained: "", checkout: "/opt/git bridge",
  });
  assert.equal(readShimSettings("#!/bin/sh\necho hi\n"), undefined);
  assert.throws(() => renderShim(settings({ runtime: "python" as never })));
});
