// What a real git child sees of the bridge's environment: an alias that runs `env` prints it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runGit } from "./git-process.ts";
import { inheritedEnv } from "./git-env.ts";

const OTHER = {
  GB_OTHER_PROVIDER_TOKEN: "canary-otherprovider-51c0ffee",
  RETRY_API_TOKEN: "canary-retry-2b7f9e01",
  AWS_SECRET_ACCESS_KEY: "canary-aws-9d3e1f77",
  SLACK_WEBHOOK_URL: "https://hooks.slack.example/canary-slack-6a0b",
  NODE_OPTIONS: "--require /tmp/canary-evil.js",
};
const KEPT = {
  https_proxy: "http://proxy.internal:3128",
  NO_PROXY: "localhost",
  LANG: "en_US.UTF-8",
  LC_MESSAGES: "C",
  SSL_CERT_FILE: "/etc/ssl/private-ca.pem",
};

test("git children get PATH, HOME, locale, proxies and the one remote's credentials — no other secret", async () => {
  // The environment arrives as a dependency (the engine's), not from the process.
  const env = { ...process.env, ...OTHER, ...KEPT };
  const r = await runGit({ args: ["-c", "alias.showenv=!env", "showenv"], auth: { username: "mirror", password: "canary-this-remote-4e2d" }, env });
  const seen = Object.fromEntries(r.stdout.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  for (const [k, v] of Object.entries(OTHER)) {
    assert.equal(seen[k], undefined, k);
    assert.ok(!r.stdout.includes(v), `${k}'s value reached git`);
  }
  for (const [k, v] of Object.entries(KEPT)) assert.equal(seen[k], v, k);
  assert.ok(seen.PATH.endsWith(process.env.PATH ?? ""), "PATH (git puts its exec path first)");
  assert.equal(seen.HOME, process.env.HOME);
  assert.equal(seen.GIT_BRIDGE_PASSWORD, "canary-this-remote-4e2d");
  assert.equal(seen.LC_ALL, "C");
});

test("the allow-list drops GIT_* and askpass variables too", () => {
  const env = inheritedEnv({ PATH: "/bin", GIT_DIR: "/evil", GIT_SSL_NO_VERIFY: "1", SSH_ASKPASS: "/x", LC_CTYPE: "C.UTF-8", HOME: "/h" });
  assert.deepEqual(env, { PATH: "/bin", LC_CTYPE: "C.UTF-8", HOME: "/h" });
});

test("the native engine runs git with the environment it was given, not the process's", async () => {
  const { createNativeEngine } = await import("./native.ts");
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(join(tmpdir(), "gb-env-"));
  try {
    // A PATH without git: the engine's git cannot be found, although the process's PATH has it.
    await assert.rejects(createNativeEngine({ PATH: join(dir, "empty") }).ensureCache(join(dir, "c.git")), /could not run git/);
    await createNativeEngine({ PATH: process.env.PATH }).ensureCache(join(dir, "c.git"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
