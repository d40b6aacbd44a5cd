// objectsToSend against git's own reachability: whatever the remote lacks is always in the pack,
// nothing unreachable from the new tips is, each object once; loose and packed repositories.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { git } from "../../../test/harness/git-cli.ts";
import { objectsToSend, openStore, peel } from "./isomorphic-objects.ts";
import { writePack } from "./isomorphic-pack.ts";

describe("isomorphic objectsToSend", () => {
  let root: string;
  let dir: string;
  const o: Record<string, string> = {};
  const g = (...args: string[]) => git(dir, ...args);
  const commit = async (name: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await g("add", "-A");
    await g("commit", "--quiet", "--allow-empty", "-m", name);
    o[name] = await g("rev-parse", "HEAD");
  };
  const reachable = async (tips: string[]) =>
    tips.length ? new Set((await g("rev-list", "--objects", ...tips)).split("\n").filter(Boolean).map((l) => l.slice(0, 40))) : new Set<string>();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "iso-objects-"));
    dir = join(root, "repo");
    await git(root, "init", "--quiet", "--initial-branch=main", dir);
    await commit("c1", { "a.txt": "A\n", "dir/sub/b.txt": "B\n", "dir/c.txt": "C\n" });
    await commit("c2", { "a.txt": "A2\n" });
    await g("tag", "-a", "t2", "-m", "tag on c2");
    o.t2 = await g("rev-parse", "t2");
    await g("checkout", "--quiet", "-b", "side", o.c1);
    await commit("s1", { "dir/sub/b.txt": "B2\n", "new/x.txt": "X\n" });
    await g("checkout", "--quiet", "main");
    await g("merge", "--quiet", "--no-edit", "side");
    o.m = await g("rev-parse", "HEAD");
    await commit("c3", { "a.txt": "A\n" }); // back to a blob only old history holds
    o.tree = await g("rev-parse", `${o.c3}^{tree}`);
    await g("tag", "-a", "t3", "-m", "tag on t2", o.t2);
    o.t3 = await g("rev-parse", "t3");
  });
  after(() => rm(root, { recursive: true, force: true }));

  const scenarios: Array<[string, string[], string[]]> = [
    ["incremental", ["c3"], ["m"]],
    ["merge over old base", ["c3"], ["c1"]],
    ["tag chain and a commit", ["t3", "c3"], ["c1"]],
    ["already there", ["s1"], ["c3"]],
    ["everything", ["c3", "t3", "s1"], []],
    ["a tree", ["tree"], ["c2"]],
    ["have is a tag", ["c3"], ["t2"]],
    ["unknown have", ["c3"], ["1".repeat(40), "m"]],
  ];

  for (const packed of [false, true]) {
    test(`covers exactly what the remote lacks (${packed ? "packed" : "loose"} objects)`, async () => {
      if (packed) await g("gc", "--quiet", "--prune=now");
      for (const [name, wantNames, haveNames] of scenarios) {
        const wants = wantNames.map((n) => o[n]);
        const haves = haveNames.map((n) => o[n] ?? n);
        const store = openStore(join(dir, ".git"));
        const ours = await objectsToSend(store, wants, haves);
        assert.equal(new Set(ours).size, ours.length, `${name}: duplicates`);
        const all = await reachable(wants);
        const remote = await reachable(haves.filter((h) => h !== "1".repeat(40)));
        const need = [...all].filter((x) => !remote.has(x));
        assert.deepEqual(need.filter((x) => !ours.includes(x)), [], `${name}: missing objects`);
        assert.deepEqual(ours.filter((x) => !all.has(x)), [], `${name}: unrelated objects`);
        // Same walk as git's: exactly what `git rev-list --objects <wants> --not <haves>` lists.
        const known = haves.filter((h) => h !== "1".repeat(40));
        const gits = (await g("rev-list", "--objects", ...wants, "--not", ...known)).split("\n").filter(Boolean).map((l) => l.slice(0, 40));
        assert.deepEqual([...ours].sort(), gits.sort(), `${name}: differs from git rev-list`);
      }
    });
  }

  test("writePack output is a pack git accepts, and peel follows tag chains", async () => {
    const store = openStore(join(dir, ".git"));
    const oids = await objectsToSend(store, [o.t3, o.c3], []);
    const pack = await writePack(store, oids);
    const target = join(root, "verify.git");
    await git(root, "init", "--quiet", "--bare", target);
    const packPath = join(root, "out.pack");
    await writeFile(packPath, pack);
    const verify = await git(root, "index-pack", "--strict", "-o", join(root, "out.idx"), packPath);
    assert.match(verify, /^[0-9a-f]{40}$/);
    assert.deepEqual(await peel(store, o.t3), { oid: o.c2, type: "commit" });
    assert.equal(await peel(store, "2".repeat(40)), undefined);
  });
});
