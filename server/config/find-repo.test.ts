import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closestRepoNames, findRepo, repoNamed, unknownRepoMessage } from "./find-repo.ts";

type Repos = Parameters<typeof findRepo>[0];
const repos = (...names: string[]) => ({ repos: names.map((name) => ({ name })) }) as Repos;

describe("findRepo", () => {
  const config = repos("a", "b");
  it("finds a repo by name", () => {
    assert.equal(findRepo(config, "b"), config.repos[1]);
    assert.equal(repoNamed(config, "b"), config.repos[1]);
    assert.equal(repoNamed(config, "x"), undefined);
  });
  it("names the known repos otherwise", () => {
    assert.throws(() => findRepo(config, "x"), {
      name: "ConfigError",
      message: 'unknown repo "x"; known repos: a, b',
    });
    assert.throws(() => findRepo({ repos: [] }, "x"), { message: 'unknown repo "x"; known repos: (none)' });
  });
  it("with many repos, names the closest ones instead of all of them", () => {
    const many = repos(...Array.from({ length: 60 }, (_, i) => `svc-${i}`), "web-app", "web-api");
    assert.equal(unknownRepoMessage(many, "web-ap"), 'unknown repo "web-ap"; closest names: web-api, web-app');
    assert.throws(() => findRepo(many, "webapp"), (err: Error & { data?: Record<string, unknown> }) => {
      assert.deepEqual(err.data?.closest, ["web-app", "web-api"]);
      return true;
    });
  });
  it("closest names: substrings first, then edit distance, nothing far away", () => {
    const config = repos("payments", "payments-api", "billing", "auth");
    assert.deepEqual(closestRepoNames(config, "payment"), ["payments", "payments-api"]);
    assert.deepEqual(closestRepoNames(config, "biling"), ["billing"]);
    assert.deepEqual(closestRepoNames(config, "zzzzzzzzzz"), []);
    // A hostile name is bounded before the O(n·m) distance.
    assert.deepEqual(closestRepoNames(config, "x".repeat(100_000)), []);
  });
});
