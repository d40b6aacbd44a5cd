import { test } from "node:test";
import assert from "node:assert/strict";
import { hasGit, selectEngine } from "./select-engine.ts";

test("git.engine picks the engine; auto falls back to isomorphic-git where no git runs", async () => {
  assert.equal((await selectEngine("native", async () => false)).name, "native");
  assert.equal((await selectEngine("isomorphic", async () => true)).name, "isomorphic");
  assert.equal((await selectEngine("auto", async () => true)).name, "native");
  assert.equal((await selectEngine("auto", async () => false)).name, "isomorphic");
  assert.equal(await hasGit(), true, "this machine has git");
});
