import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandString, expandTree, isSwitchSetting } from "./expand-env.ts";
import { parseYaml } from "./positions.ts";
import type { PlainMap } from "./positions.ts";

describe("expandString", () => {
  const env = { A: "alpha", B: "b$e{t}a", EMPTY: "", _X1: "x" };
  it("replaces ${NAME} from env", () => {
    assert.deepEqual(expandString("${A}", env), { value: "alpha", used: [["A", "alpha"]], missing: [] });
    assert.deepEqual(expandString("pre-${A}-${_X1}-post", env), { value: "pre-alpha-x-post", used: [["A", "alpha"], ["_X1", "x"]], missing: [] });
  });
  it("does not re-expand values and keeps $ not followed by { literal", () => {
    assert.deepEqual(expandString("${B}", env), { value: "b$e{t}a", used: [["B", "b$e{t}a"]], missing: [] });
    assert.deepEqual(expandString("pa$$word$A$", env), { value: "pa$$word$A$", used: [], missing: [] });
    assert.deepEqual(expandString("$A{B}", env), { value: "$A{B}", used: [], missing: [] });
  });
  it("reports unset and empty variables once each, in order", () => {
    assert.deepEqual(expandString("${NOPE}:${EMPTY}:${NOPE}:${A}", env), {
      value: ":::alpha",
      used: [["A", "alpha"]],
      missing: ["NOPE", "EMPTY"],
    });
  });
  it("flags a ${ that is not a well-formed reference", () => {
    assert.equal(expandString("${1X}", env).malformed, "${1X}");
    assert.equal(expandString("${}", env).malformed, "${}");
    assert.equal(expandString("${A-B}", env).malformed, "${A-B}");
    assert.equal(expandString("abc${UNCLOSED", env).malformed, "${UNCLOSED");
  });
});

describe("isSwitchSetting", () => {
  it("knows the settings that an unset variable turns off", () => {
    for (
      const p of [
        ["webhook", "gitlab_secret"],
        ["webhook", "github_secret"],
        ["webhook", "gitea_secret"],
        ["retry", "api_token"],
        ["notification", "slack", "webhook_url"],
        ["notification", "slack", "channel"],
        ["notification", "slack", "bot_token"],
        ["repos", 3, "slack_webhook_url"],
        ["hooks", "secret"],
        ["consumer", "queue_url"],
      ]
    ) assert.equal(isSwitchSetting(p), true, p.join("."));
    for (
      const p of [["providers", "x", "credentials", "token"], ["repos", 0, "source_path"], [
        "consumers",
        0,
        "queue_url",
      ], ["webhook"]]
    ) {
      assert.equal(isSwitchSetting(p), false, p.join("."));
    }
  });
});

describe("expandTree", () => {
  const run = (text: string, env: Record<string, string>) => {
    const parsed = parseYaml(text, "c.yaml");
    return expandTree(parsed.value as PlainMap, parsed.positions, env);
  };
  it("expands nested strings and leaves other scalars alone", () => {
    const r = run('a:\n  b: ["${X}", 2, true]\n  c: ${X}-y\n', { X: "x" });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(JSON.parse(JSON.stringify(r.value)), { a: { b: ["x", 2, true], c: "x-y" } });
  });
  it("drops the legacy consumer (and its problems) when its queue_url is unset", () => {
    const r = run("consumer:\n  queue_url: ${Q}\n  region: ${R}\n", {});
    assert.deepEqual(r.problems, []);
    assert.equal("consumer" in r.value, false);
  });
  it("keeps the legacy consumer's other problems when queue_url is set", () => {
    const r = run("consumer:\n  queue_url: ${Q}\n  region: ${R}\n", { Q: "https://q" });
    assert.deepEqual(r.problems.map((p) => p.variables), [["R"]]);
    assert.equal(
      r.problems[0].message,
      "c.yaml:3:11: consumer.region references ${R}, which is unset or empty. Set R or remove the consumer.",
    );
  });
  it("lists several variables of one value together", () => {
    const r = run("work_dir: /x/${A}/${B}\n", {});
    assert.equal(
      r.problems[0].message,
      "c.yaml:1:11: work_dir references ${A}, ${B}, which are unset or empty. Set A and B or remove work_dir.",
    );
  });
});
