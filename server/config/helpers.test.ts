// The small pure pieces: did-you-mean, private hosts, positions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPrivateHost } from "./base-url.ts";
import { formatPath, parseYaml } from "./positions.ts";
import { didYouMean } from "./unknown-keys.ts";

describe("didYouMean", () => {
  const keys = [
    "name",
    "source",
    "target",
    "source_path",
    "target_path",
    "direction",
    "prune",
    "on_divergence",
  ];
  it("suggests close keys, camelCase and dashed spellings", () => {
    assert.equal(didYouMean("directon", keys), "direction");
    assert.equal(didYouMean("sourcePath", keys), "source_path");
    assert.equal(didYouMean("on-divergence", keys), "on_divergence");
    assert.equal(didYouMean("prun", keys), "prune");
  });
  it("stays quiet when nothing is close", () => {
    assert.equal(didYouMean("frobnicate", keys), undefined);
    assert.equal(didYouMean("x", keys), undefined);
  });
});

describe("isPrivateHost", () => {
  it("recognises loopback, private, link-local and CGNAT literals", () => {
    for (
      const h of [
        "localhost",
        "app.localhost",
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "[::1]",
        "[fd00::1]",
        "[fe80::1]",
        "[::ffff:7f00:1]",
        "[::ffff:10.0.0.1]",
      ]
    ) {
      assert.equal(isPrivateHost(h), true, h);
    }
  });
  it("lets public addresses and names through", () => {
    for (
      const h of [
        "github.com",
        "8.8.8.8",
        "172.32.0.1",
        "192.169.0.1",
        "[2606:4700::1111]",
        "[64:ff9b::808:808]",
        "[::ffff:808:808]",
        "localhost.example.com",
      ]
    ) {
      assert.equal(isPrivateHost(h), false, h);
    }
  });
});

describe("positions", () => {
  it("formats paths the way messages print them", () => {
    assert.equal(
      formatPath(["repos", 0, "ref_overrides", 2, "pattern"]),
      "repos[0].ref_overrides[2].pattern",
    );
    assert.equal(
      formatPath(["providers", "gitlab-main", "credentials", "token"]),
      "providers.gitlab-main.credentials.token",
    );
  });
  it("records value and key positions, and falls back to the nearest ancestor's key", () => {
    const { positions } = parseYaml('a:\n  b:\n    - x: 1\n      y: "two"\n', "f.yaml");
    assert.equal(positions.where(["a", "b", 0, "y"]), "f.yaml:4:10");
    assert.equal(positions.where(["a", "b", 0, "y"], { key: true }), "f.yaml:4:7");
    assert.equal(positions.where(["a", "b", 0, "missing"]), "f.yaml:3:7"); // the list item's mapping
    assert.equal(positions.where(["a", "missing"]), "f.yaml:1:1"); // the `a:` key
  });
  it("refuses an alias that contains itself and stops alias bombs", () => {
    assert.deepEqual(parseYaml("a: &x [1, *x]\n", "f").errors, [
      "f:1:11: alias *x refers to a node that contains it",
    ]);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) {
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${
          Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")
        }]`,
      );
    }
    assert.deepEqual(parseYaml(bomb.join("\n"), "f").errors, [
      "f:1:1: the document expands to more than 200000 nodes (alias bomb?)",
    ]);
  });
});
