import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseCodeCommitEvent } from "./codecommit-event.ts";

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/codecommit/${name}`, import.meta.url), "utf8");
const withDetail = (patch: Record<string, unknown>, base = "reference-updated-push.json") => {
  const e = JSON.parse(fixture(base));
  return JSON.stringify({ ...e, detail: { ...e.detail, ...patch } });
};

describe("parseCodeCommitEvent: the documented examples", () => {
  it("reads a push update with region, account and the full ref", () => {
    assert.deepEqual(parseCodeCommitEvent(fixture("reference-updated-push.json")), {
      event: "referenceUpdated",
      repositoryName: "myRepo",
      ref: "refs/heads/myBranch",
      deleted: false,
      id: "01234567-0123-0123-0123-012345678901",
      region: "us-east-1",
      account: "123456789012",
      commitId: "26a8f2EXAMPLE",
    });
  });
  it("reads a merge update, a created branch and a created tag", () => {
    const merge = parseCodeCommitEvent(fixture("reference-updated.json"));
    assert.ok(!("unusable" in merge));
    assert.equal(merge.ref, "refs/heads/myBranch");
    assert.equal(merge.region, "us-east-2");
    const tag = parseCodeCommitEvent(fixture("reference-created-tag.json"));
    assert.ok(!("unusable" in tag));
    assert.equal(tag.ref, "refs/tags/myTag");
    assert.equal(tag.event, "referenceCreated");
  });
  it("reads referenceDeleted as a delete", () => {
    const del = parseCodeCommitEvent(fixture("reference-deleted.json"));
    assert.ok(!("unusable" in del));
    assert.equal(del.deleted, true);
    assert.equal(del.ref, "refs/heads/myBranch");
    assert.equal(del.commitId, undefined);
  });
});

describe("parseCodeCommitEvent: reference names", () => {
  it("builds the full ref from the short name EventBridge sends and referenceType", () => {
    const noFull = (type: string, name: string) => {
      const e = JSON.parse(withDetail({ referenceType: type, referenceName: name }));
      delete e.detail.referenceFullName;
      return parseCodeCommitEvent(JSON.stringify(e));
    };
    assert.equal((noFull("branch", "main") as { ref: string }).ref, "refs/heads/main");
    assert.equal((noFull("tag", "v1.0") as { ref: string }).ref, "refs/tags/v1.0");
    assert.equal((noFull("branch", "feature/x") as { ref: string }).ref, "refs/heads/feature/x");
    // The API reference's own example carries a full name in referenceName.
    assert.equal((noFull("branch", "refs/heads/main") as { ref: string }).ref, "refs/heads/main");
    assert.match((noFull("commit", "main") as { unusable: string }).unusable, /neither branch nor tag/);
  });
  it("accepts the API reference's minimal event (detail only)", () => {
    const r = parseCodeCommitEvent(JSON.stringify({
      detail: { repositoryName: "my-repo", referenceName: "refs/heads/main", referenceType: "branch", event: "referenceUpdated" },
    }));
    assert.deepEqual(r, { event: "referenceUpdated", repositoryName: "my-repo", ref: "refs/heads/main", deleted: false });
  });
  it("refuses ref names git would refuse", () => {
    for (const name of ["a..b", "x y", "ma\u0000in", "v1.lock"]) {
      const r = parseCodeCommitEvent(withDetail({ referenceFullName: `refs/heads/${name}` }));
      assert.ok("unusable" in r, name);
    }
  });
});

describe("parseCodeCommitEvent: what can never be mirrored", () => {
  const reasons: [string, string, RegExp][] = [
    ["not JSON", "{not json", /not JSON/],
    ["a list", "[1,2]", /not a JSON object/],
    ["another service", JSON.stringify({ source: "aws.s3", detail: {} }), /not a CodeCommit event \(source "aws.s3"\)/],
    ["no detail", JSON.stringify({ source: "aws.codecommit" }), /no detail object/],
    ["no repository", withDetail({ repositoryName: "" }), /repositoryName is missing/],
    ["a pull request event", withDetail({ event: "pullRequestCreated" }), /is not a reference change/],
    ["too large", " ".repeat(256 * 1024 + 1), /larger than an SQS message/],
  ];
  for (const [what, body, reason] of reasons) {
    it(what, () => {
      const r = parseCodeCommitEvent(body);
      assert.ok("unusable" in r);
      assert.match(r.unusable, reason);
    });
  }
});
