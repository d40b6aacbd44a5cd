import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../config/index.ts";
import { matchCodeCommitEvent } from "./codecommit-match.ts";
import type { ReferenceEvent } from "./codecommit-event.ts";

// Two regions (and two accounts in one of them) hold a repository called "app".
const config = parseConfig(
  `
providers:
  cc-east: { type: codecommit, region: us-east-1, account_id: "111111111111" }
  cc-east-other: { type: codecommit, region: us-east-1, account_id: "222222222222" }
  cc-west: { type: codecommit, base_url: "https://git-codecommit.us-west-2.amazonaws.com" }
  gl: { type: gitlab, base_url: "https://gitlab.example.com", credentials: { token: tttt } }
repos:
  - { name: app-east, source: cc-east, target: gl, source_path: app, target_path: east/app }
  - { name: app-east-other, source: cc-east-other, target: gl, source_path: app, target_path: other/app }
  - { name: app-west, source: cc-west, target: gl, source_path: app, target_path: west/app, direction: bidirectional }
  - { name: one-way, source: gl, target: cc-west, source_path: team/one, target_path: one }
`,
  "config.yaml",
  {},
);
const ev = (o: Partial<ReferenceEvent>): ReferenceEvent => ({
  event: "referenceUpdated",
  repositoryName: "app",
  ref: "refs/heads/main",
  deleted: false,
  ...o,
});
const anyProvider = { name: "sqs-0" };

describe("matchCodeCommitEvent", () => {
  it("tells the same repo name apart by region and account", () => {
    const east = matchCodeCommitEvent(config, anyProvider, ev({ region: "us-east-1", account: "111111111111" }));
    assert.ok("request" in east);
    assert.deepEqual(east.request, { repo: "app-east", direction: "source-to-target", ref: "refs/heads/main", source: "sqs" });
    const other = matchCodeCommitEvent(config, anyProvider, ev({ region: "us-east-1", account: "222222222222" }));
    assert.ok("request" in other && other.request.repo === "app-east-other");
    // Region from the provider's AWS base_url.
    const west = matchCodeCommitEvent(config, anyProvider, ev({ region: "us-west-2", account: "333333333333" }));
    assert.ok("request" in west && west.request.repo === "app-west");
  });
  it("does not guess when the event cannot tell two claimants apart", () => {
    const r = matchCodeCommitEvent(config, anyProvider, ev({ region: "us-east-1" }));
    assert.ok("unusable" in r);
    assert.match(r.unusable, /claimed on several codecommit providers \(cc-east, cc-east-other\)/);
  });
  it("keeps to the consumer's provider", () => {
    const mine = matchCodeCommitEvent(config, { name: "east", provider: "cc-east" }, ev({}));
    assert.ok("request" in mine && mine.request.repo === "app-east");
    const wrongRegion = matchCodeCommitEvent(config, { name: "east", provider: "cc-east" }, ev({ region: "us-west-2" }));
    assert.ok("unusable" in wrongRegion);
    assert.match(wrongRegion.unusable, /region us-west-2 .* which no codecommit provider of consumer east is in: cc-east \(us-east-1, account 111111111111\)/);
  });
  it("applies the repo's direction rules and reports unknown repos", () => {
    const target = matchCodeCommitEvent(config, anyProvider, ev({ repositoryName: "one", region: "us-west-2" }));
    assert.ok("unusable" in target);
    assert.match(target.unusable, /repo one-way mirrors source-to-target only; it cannot sync target-to-source: changes on its target are not mirrored/);
    const unknown = matchCodeCommitEvent(config, anyProvider, ev({ repositoryName: "nope", region: "us-west-2" }));
    assert.ok("unusable" in unknown);
    assert.match(unknown.unusable, /no repo has codecommit path nope/);
  });
});
