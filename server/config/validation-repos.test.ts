// Refusals about repos and their ref_overrides, with the exact file:line:col.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, errorsOf, parse, yaml } from "./test-helpers.ts";

/** BASE with repos[0] extended by `lines` (from line 19 on). */
const repo = (...lines: string[]) => yaml(...BASE, ...lines);
/** BASE with one line replaced (1-based line number). */
const replaced = (line: number, text: string) => yaml(...BASE.map((l, i) => (i === line - 1 ? text : l)));

describe("repos", () => {
  it("must not be empty", () => {
    assert.deepEqual(errorsOf(yaml(...BASE.slice(0, 12), "repos: []")), [
      "config.yaml:13:8: repos is empty: list at least one repo to mirror (name, source, target, source_path, target_path)",
    ]);
  });
  it("need unique, safe names", () => {
    assert.deepEqual(
      errorsOf(
        yaml(
          ...BASE,
          "  - { name: app, source: gl, target: gh, source_path: team/b, target_path: o/b }",
          "  - { name: ../x, source: gl, target: gh, source_path: team/d, target_path: o/d }",
          "  - { name: .hidden, source: gl, target: gh, source_path: team/e, target_path: o/e }",
          "  - { name: -rf, source: gl, target: gh, source_path: team/f, target_path: o/f }",
        ),
      ),
      [
        'config.yaml:19:13: repos[1].name "app" is already used by repos[0]; repo names must be unique',
        'config.yaml:20:13: repos[2].name "../x" is not allowed: it becomes a directory and lock name, so use letters, digits, . _ - only, not starting with - or .',
        'config.yaml:21:13: repos[3].name ".hidden" is not allowed: it becomes a directory and lock name, so use letters, digits, . _ - only, not starting with - or .',
        'config.yaml:22:13: repos[4].name "-rf" is not allowed: it becomes a directory and lock name, so use letters, digits, . _ - only, not starting with - or .',
      ],
    );
  });
  it("need a name; an empty one counts as missing, as in Go", () => {
    assert.deepEqual(
      errorsOf(
        yaml(...BASE, "  - { name: '', source: gl, target: gh, source_path: team/c, target_path: o/c }"),
      ),
      [
        "config.yaml:19:13: repos[1].name is required (a unique name made of letters, digits, . _ -)",
      ],
    );
  });
  it("name two different configured providers", () => {
    assert.deepEqual(errorsOf(replaced(15, "    source: gitlab")), [
      'config.yaml:15:13: repos[0].source "gitlab" is not a provider; known providers: cc, gl, gh',
    ]);
    assert.deepEqual(errorsOf(replaced(15, "    source: gl")), [
      'config.yaml:16:13: repos[0].target must differ from source (both "gl"); a repo mirrors between two providers',
    ]);
  });
  it("refuse hostile paths and say why", () => {
    const cases: [string, string][] = [
      ["-upload-pack=x", 'must not start with "-" (git would read it as an option)'],
      ["/team/app", 'must not start with "/"; write it relative to the host, e.g. team/app'],
      ["team/../../admin", 'must not contain ".." segments (they would climb out of the host\'s path)'],
      ["team\\app", 'must not contain "\\" (some servers treat it as "/"); use "/" between segments'],
      ["team/app?x=1", 'must not contain "?" (it would start a URL query)'],
      ["team/app#frag", 'must not contain "#" (it would start a URL fragment)'],
      ["team/\0app", "must not contain control characters (NUL, newline, tab, …)"],
      ["team/\tapp", "must not contain control characters (NUL, newline, tab, …)"],
      ["team//app", 'must not contain empty segments ("//" or a trailing "/")'],
      ["team/./app", 'must not contain "." segments'],
    ];
    for (const [path, why] of cases) {
      // A JSON string is a valid YAML double-quoted scalar, escapes included.
      const shown = JSON.stringify(path);
      assert.deepEqual(errorsOf(replaced(18, `    target_path: ${shown}`)), [
        `config.yaml:18:18: repos[0].target_path ${why} (got ${shown})`,
      ], shown);
    }
  });
  it("treat an empty path as missing", () => {
    assert.deepEqual(errorsOf(replaced(18, '    target_path: ""')), [
      "config.yaml:18:18: repos[0].target_path is required (the repository path on the target provider, e.g. team/app)",
    ]);
  });
  it("refuse a CodeCommit path with a slash", () => {
    assert.deepEqual(errorsOf(replaced(17, "    source_path: team/app")), [
      'config.yaml:17:18: repos[0].source_path must be a plain CodeCommit repository name without "/" (got "team/app")',
    ]);
  });
  it("refuse two repos claiming the same repository on the same provider", () => {
    assert.deepEqual(
      errorsOf(
        yaml(
          ...BASE,
          "  - { name: other, source: gl, target: gh, source_path: team/app, target_path: org/app }",
        ),
      ),
      [
        'config.yaml:19:57: repos[1].source_path: "team/app" on provider gl is already claimed by repo app (target); ' +
        "events are dispatched by (provider, path) and only the first would ever run, so remove or change one of them",
      ],
    );
    // The same path on different providers is fine.
    assert.equal(
      parse(
        yaml(
          ...BASE,
          "  - { name: other, source: gh, target: gl, source_path: team/app, target_path: org/app }",
        ),
      )
        .repos.length,
      2,
    );
  });
  it("refuse a retry_direction that contradicts a one-way repo", () => {
    assert.deepEqual(
      errorsOf(repo("    direction: source-to-target", "    retry_direction: target-to-source")),
      [
        "config.yaml:20:22: repos[0].retry_direction target-to-source conflicts with the one-way direction source-to-target; " +
        "remove retry_direction or make it source-to-target",
      ],
    );
  });
  it("refuse refs globs that are not full ref names, and an empty include", () => {
    assert.deepEqual(errorsOf(repo("    refs: { include: [main, 'refs/tags/*'], exclude: ['wip/*'] }")), [
      'config.yaml:19:23: repos[0].refs.include[0] must be a glob on full ref names starting with refs/ (got "main"); did you mean "refs/heads/main"?',
      'config.yaml:19:55: repos[0].refs.exclude[0] must be a glob on full ref names starting with refs/ (got "wip/*"); did you mean "refs/heads/wip/*"?',
    ]);
    assert.deepEqual(errorsOf(repo("    refs: { include: [] }")), [
      "config.yaml:19:22: repos[0].refs.include is empty, so nothing would be mirrored; remove it to use the default (refs/heads/*, refs/tags/*)",
    ]);
  });
});

describe("ref_overrides (the Go bridge's rules)", () => {
  const withOverrides = (direction: string, ...lines: string[]) =>
    repo(`    direction: ${direction}`, "    ref_overrides:", ...lines);
  it("accept a pin in the repo's direction, or either way on a bidirectional repo", () => {
    assert.equal(
      parse(withOverrides("source-to-target", "      - { pattern: main, from: cc, to: gl }")).repos[0]
        .refOverrides.length,
      1,
    );
    assert.equal(
      parse(withOverrides("bidirectional", "      - { pattern: main, from: gl, to: cc }")).repos[0]
        .refOverrides.length,
      1,
    );
  });
  it("require pattern, from and to", () => {
    assert.deepEqual(
      errorsOf(
        withOverrides("bidirectional", "      - { from: gl, to: cc }", "      - { pattern: x, to: cc }"),
      ),
      [
        "config.yaml:21:9: repos[0].ref_overrides[0].pattern is required (a glob on the short ref name, e.g. release-*)",
        "config.yaml:22:9: repos[0].ref_overrides[1].from is required (the provider name refs matching the pattern are mirrored from)",
      ],
    );
  });
  it("refuse from == to, foreign providers, a contradicting direction, duplicates and bad globs", () => {
    assert.deepEqual(
      errorsOf(
        withOverrides(
          "source-to-target",
          "      - { pattern: a, from: cc, to: cc }",
          "      - { pattern: b, from: cc, to: gh }",
          "      - { pattern: c, from: gl, to: cc }",
          "      - { pattern: a, from: cc, to: gl }",
          "      - { pattern: 'release-[', from: cc, to: gl }",
        ),
      ),
      [
        'config.yaml:21:37: repos[0].ref_overrides[0]: from and to are both "cc"; they must be this repo\'s two providers',
        "config.yaml:22:9: repos[0].ref_overrides[1]: from/to must be this repo's source (cc) and target (gl) in either order (got from cc to gh)",
        "config.yaml:23:9: repos[0].ref_overrides[2]: the repo direction source-to-target does not allow gl → cc; swap from and to, or make the repo bidirectional",
        'config.yaml:24:20: repos[0].ref_overrides[3].pattern "a" duplicates ref_overrides[0]; the first match wins, so this entry would never apply — remove it',
        'config.yaml:25:20: repos[0].ref_overrides[4].pattern "release-[" is not a valid glob: it has an unclosed or empty [...] class, a bad range, or a trailing \\',
      ],
    );
  });
});
