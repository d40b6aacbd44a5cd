import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { ConfigError } from "../errors.ts";
import { loadConfig } from "./load-config.ts";
import { BASE, FIXTURES, GO_ENV, yaml } from "./test-helpers.ts";

describe("loadConfig", () => {
  it("reads the file through node:fs by default", async () => {
    const path = fileURLToPath(new URL("go-example.yaml", FIXTURES));
    const c = await loadConfig({ path, env: GO_ENV });
    assert.equal(c.path, path);
    assert.equal(c.repos.length, 3);
  });
  it("reads through an injected readFile, with the path resolved against cwd", async () => {
    const seen: string[] = [];
    const c = await loadConfig({
      path: "conf/bridge.yaml",
      cwd: "/etc/git-bridge",
      env: { WORK_DIR: "state" },
      readFile: (p) => {
        seen.push(p);
        return Promise.resolve(yaml(...BASE));
      },
    });
    assert.deepEqual(seen, ["/etc/git-bridge/conf/bridge.yaml"]);
    assert.equal(c.path, "/etc/git-bridge/conf/bridge.yaml");
    assert.equal(c.workDir, "/etc/git-bridge/state");
  });
  it("uses the path as given in messages", async () => {
    await assert.rejects(
      loadConfig({ path: "bridge.yaml", env: {}, readFile: () => Promise.resolve("repos: [\n") }),
      (err: unknown) =>
        err instanceof ConfigError && err.message.startsWith("bridge.yaml:2:1: YAML syntax error: "),
    );
  });
  it("says how to point at the file when it is missing", async () => {
    await assert.rejects(loadConfig({ path: "/nonexistent/git-bridge/config.yaml", env: {} }), {
      name: "ConfigError",
      message: "config file not found: /nonexistent/git-bridge/config.yaml (set --config or CONFIG_PATH)",
    });
    const notFound = Object.assign(new Error("gone"), { code: "ENOENT" });
    await assert.rejects(
      loadConfig({ path: "config.yaml", env: {}, readFile: () => Promise.reject(notFound) }),
      {
        message: "config file not found: config.yaml (set --config or CONFIG_PATH)",
      },
    );
  });
  it("wraps other read failures", async () => {
    await assert.rejects(
      loadConfig({
        path: "c.yaml",
        env: {},
        readFile: () => Promise.reject(new Error("EACCES: permission denied")),
      }),
      {
        name: "ConfigError",
        message: "cannot read config file c.yaml: EACCES: permission denied",
      },
    );
  });
});
