import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchRefGlob, matchShortGlob, refOverrideFor, shortGlobError, shortRefName } from "./ref-globs.ts";

describe("matchRefGlob (full ref names, * crosses /)", () => {
  const table: [string, string, boolean][] = [
    ["refs/heads/*", "refs/heads/main", true],
    ["refs/heads/*", "refs/heads/feature/deep/x", true],
    ["refs/heads/*", "refs/tags/v1", false],
    ["refs/tags/*", "refs/tags/v1.0.0", true],
    ["refs/heads/main", "refs/heads/main", true],
    ["refs/heads/main", "refs/heads/main2", false],
    ["refs/heads/release-*", "refs/heads/release-1.2", true],
    ["refs/heads/release-*", "refs/heads/release", false],
    ["refs/*/wip-*", "refs/heads/team/wip-x", true],
    ["refs/heads/v?", "refs/heads/v1", true],
    ["refs/heads/v?", "refs/heads/v10", false],
    ["refs/heads/a?b", "refs/heads/a/b", true],
    ["*", "refs/heads/x", true],
    ["refs/heads/*-rc", "refs/heads/1-rc-rc", true],
    ["refs/heads/[ab]", "refs/heads/a", false], // no classes: "[" is literal
    ["refs/heads/[ab]", "refs/heads/[ab]", true],
    ["", "", true],
    ["", "refs/heads/x", false],
  ];
  for (const [pattern, ref, want] of table) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(ref)} → ${want}`, () => {
      assert.equal(matchRefGlob(pattern, ref), want);
    });
  }
  it("answers a hostile pattern (a backtracking matcher would not finish: 10 stars over 5,000 characters)", () => {
    assert.equal(matchRefGlob("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000)), false);
  });
});

describe("matchShortGlob (Go path.Match)", () => {
  // Go's own table (src/path/match_test.go): pattern, name, match, ErrBadPattern.
  const go: [string, string, boolean, boolean][] = [
    ["abc", "abc", true, false],
    ["*", "abc", true, false],
    ["*c", "abc", true, false],
    ["a*", "a", true, false],
    ["a*", "abc", true, false],
    ["a*", "ab/c", false, false],
    ["a*/b", "abc/b", true, false],
    ["a*/b", "a/c/b", false, false],
    ["a*b*c*d*e*/f", "axbxcxdxe/f", true, false],
    ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false],
    ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false],
    ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false],
    ["a*b?c*x", "abxbbxdbxebxczzx", true, false],
    ["a*b?c*x", "abxbbxdbxebxczzy", false, false],
    ["ab[c]", "abc", true, false],
    ["ab[b-d]", "abc", true, false],
    ["ab[e-g]", "abc", false, false],
    ["ab[^c]", "abc", false, false],
    ["ab[^b-d]", "abc", false, false],
    ["ab[^e-g]", "abc", true, false],
    ["a\\*b", "a*b", true, false],
    ["a\\*b", "ab", false, false],
    ["a?b", "a☺b", true, false],
    ["a[^a]b", "a☺b", true, false],
    ["a???b", "a☺b", false, false],
    ["a[^a][^a][^a]b", "a☺b", false, false],
    ["[a-ζ]*", "α", true, false],
    ["*[a-ζ]", "A", false, false],
    ["a?b", "a/b", false, false],
    ["a*b", "a/b", false, false],
    ["[\\]a]", "]", true, false],
    ["[\\-]", "-", true, false],
    ["[x\\-]", "x", true, false],
    ["[x\\-]", "-", true, false],
    ["[x\\-]", "z", false, false],
    ["[\\-x]", "x", true, false],
    ["[\\-x]", "-", true, false],
    ["[\\-x]", "a", false, false],
    ["[]a]", "]", false, true],
    ["[-]", "-", false, true],
    ["[x-]", "x", false, true],
    ["[x-]", "-", false, true],
    ["[x-]", "z", false, true],
    ["[-x]", "x", false, true],
    ["[-x]", "-", false, true],
    ["[-x]", "a", false, true],
    ["\\", "a", false, true],
    ["[a-b-c]", "a", false, true],
    ["[", "a", false, true],
    ["[^", "a", false, true],
    ["[^bc", "a", false, true],
    ["a[", "a", false, true],
    ["a[", "ab", false, true],
    ["a[", "x", false, true],
    ["a/b[", "x", false, true],
    ["*x", "xxx", true, false],
  ];
  for (const [pattern, name, want, bad] of go) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(name)} → ${want}${bad ? " (bad pattern)" : ""}`, () => {
      assert.equal(matchShortGlob(pattern, name), want);
      assert.equal(shortGlobError(pattern) !== undefined, bad);
    });
  }
  it("the Go bridge's documented examples", () => {
    assert.equal(matchShortGlob("release", "release"), true);
    assert.equal(matchShortGlob("release-*", "release-2024.1"), true);
    assert.equal(matchShortGlob("release/*", "release/x"), true);
    assert.equal(matchShortGlob("release/*", "release/x/y"), false);
  });
  it("also negates a class with ! (shell habit; Go would read ! literally)", () => {
    assert.equal(matchShortGlob("[!a]x", "bx"), true);
    assert.equal(matchShortGlob("[!a]x", "ax"), false);
    assert.equal(matchShortGlob("[!a-c]*", "dev"), true);
    assert.equal(matchShortGlob("[!a-c]*", "beta"), false);
  });
  it("explains a bad pattern", () => {
    assert.match(shortGlobError("release-[") ?? "", /\[\.\.\.\] class/);
    assert.equal(shortGlobError("release-*"), undefined);
  });
});

describe("shortRefName", () => {
  it("strips refs/heads/ and refs/tags/ only", () => {
    assert.equal(shortRefName("refs/heads/x"), "x");
    assert.equal(shortRefName("refs/heads/feature/x"), "feature/x");
    assert.equal(shortRefName("refs/tags/v1.0"), "v1.0");
    assert.equal(shortRefName("refs/notes/commits"), "refs/notes/commits");
    assert.equal(shortRefName("main"), "main");
  });
});

describe("refOverrideFor", () => {
  const repo = {
    refOverrides: [
      { pattern: "release", from: "gl", to: "cc" },
      { pattern: "release-*", from: "gl", to: "cc" },
      { pattern: "*", from: "cc", to: "gl" },
    ],
  };
  it("returns the first override matching the short name", () => {
    assert.deepEqual(refOverrideFor(repo, "refs/heads/release"), repo.refOverrides[0]);
    assert.deepEqual(refOverrideFor(repo, "refs/tags/release-7"), repo.refOverrides[1]);
    assert.deepEqual(refOverrideFor(repo, "release-7"), repo.refOverrides[1]);
    assert.deepEqual(refOverrideFor(repo, "refs/heads/main"), repo.refOverrides[2]);
  });
  it("returns undefined when none matches (* does not cross /)", () => {
    assert.equal(refOverrideFor(repo, "refs/heads/feature/x"), undefined);
    assert.equal(refOverrideFor({ refOverrides: [] }, "refs/heads/main"), undefined);
  });
});

describe("matchShortGlob is linear in the ref's length", () => {
  // The probe that froze the server: ref_overrides pattern "*-stable" against refs/heads/ + 30,000 × "a".
  // Steps are counted, not timed: the old matcher copied the rest of the name at every position.
  const stepsFor = (pattern: string, name: string) => {
    const counter = { steps: 0 };
    matchShortGlob(pattern, name, counter);
    return counter.steps;
  };
  for (const pattern of ["*-stable", "release-*", "*a*b", "[a-z]*[0-9]", "*?*?*x", "a*a*a*a*a*b"]) {
    it(`${JSON.stringify(pattern)}: 100,000 characters cost at most (length + 1) × pattern length steps`, () => {
      const name = "a".repeat(100_000);
      const steps = stepsFor(pattern, name);
      assert.ok(steps > 0, "the matcher counts its steps");
      assert.ok(steps <= (name.length + 1) * pattern.length, `${steps} steps`);
      // Doubling the name at most doubles the work.
      assert.ok(stepsFor(pattern, "a".repeat(200_000)) <= 2 * steps + pattern.length * 2);
    });
  }
  it("still answers correctly on the long names", () => {
    assert.equal(matchShortGlob("*-stable", "a".repeat(100_000)), false);
    assert.equal(matchShortGlob("*-stable", "a".repeat(100_000) + "-stable"), true);
    assert.equal(matchShortGlob("*-stable", "a".repeat(50_000) + "/x-stable"), false);
  });
});
