import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config, RepoConfig } from "../config/types.ts";
import { parseRetryRequest } from "./retry-request.ts";

const r = (name: string, direction: RepoConfig["direction"], retryDirection?: RepoConfig["retryDirection"]) =>
  ({ name, direction, ...(retryDirection ? { retryDirection } : {}) }) as RepoConfig;
const config = { repos: [r("app", "source-to-target"), r("bidi", "bidirectional"), r("bidi-rd", "bidirectional", "source-to-target")] } as Pick<Config, "repos">;

const error = (input: unknown, policy?: "retry" | "sync") => {
  const out = parseRetryRequest(config, input, policy);
  assert.ok(!out.ok, "expected a refusal");
  return out;
};

describe("parseRetryRequest (retry API, CLI sync, Slack)", () => {
  it("takes {repo, ref?, direction?} and resolves the direction by policy", () => {
    assert.deepEqual(parseRetryRequest(config, { repo: "app" }), { ok: true, value: { repo: config.repos[0], direction: "source-to-target" } });
    const bidi = parseRetryRequest(config, { repo: "bidi", ref: "refs/tags/v1" });
    assert.ok(bidi.ok && bidi.value.direction === "target-to-source" && bidi.value.ref === "refs/tags/v1");
    const rd = parseRetryRequest(config, { repo: "bidi-rd", direction: "auto" });
    assert.ok(rd.ok && rd.value.direction === "source-to-target");
    // The CLI's policy: a bidirectional repo without a direction syncs both ways.
    const cli = parseRetryRequest(config, { repo: "bidi" }, "sync");
    assert.ok(cli.ok && cli.value.direction === undefined);
  });

  it("refuses bad input with the field at fault and a message that says what to send", () => {
    assert.deepEqual(error([]), { ok: false, field: "body", error: "the body must be a JSON object" });
    for (const repo of [undefined, "", "  ", 7]) assert.match(error({ repo }).error, /repo is required/);
    const unknown = error({ repo: "ap" });
    assert.equal(unknown.field, "repo");
    assert.match(unknown.error, /unknown repo "ap"; known repos: app, bidi, bidi-rd/);
    assert.deepEqual(unknown.closest, ["app"]);
    assert.match(error({ repo: "app", direction: "sideways" }).error, /^direction must be one of source-to-target, target-to-source, auto$/);
    assert.equal(error({ repo: "app", direction: "target-to-source" }).error, "repo app mirrors source-to-target only; it cannot sync target-to-source");
    assert.equal(error({ repo: "app", direction: "target-to-source" }, "sync").field, "direction");
    for (const ref of ["main", "refs/heads/a b", "refs/heads/../x", 5]) {
      const out = error({ repo: "app", ref });
      assert.equal(out.field, "ref");
      assert.match(out.error, /^ref must be a full ref name such as refs\/tags\/v1\.0\.0/);
    }
  });
});
