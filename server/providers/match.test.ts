import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Config, ProviderConfig, ProviderType, RepoConfig } from "../config/types.ts";
import { parse as parseGitlab } from "./gitlab/webhook.ts";
import { type DeliveryMatch, matchDelivery, type MatchResult, toSyncRequest } from "./match.ts";
import type { PushDelivery } from "./types.ts";

function provider(name: string, type: ProviderType, baseUrl?: string): ProviderConfig {
  return {
    name,
    type,
    ...(baseUrl ? { baseUrl } : {}),
    credentials: {},
    allowInsecureHttp: false,
    allowPrivateNetwork: false,
  };
}

function repo(r: Pick<RepoConfig, "name" | "source" | "target" | "sourcePath" | "targetPath"> & Partial<RepoConfig>): RepoConfig {
  return {
    direction: "source-to-target",
    refOverrides: [],
    refsInclude: ["refs/heads/*", "refs/tags/*"],
    refsExclude: [],
    prune: false,
    onDivergence: "skip",
    ...r,
  };
}

function config(providers: ProviderConfig[], repos: RepoConfig[]): Config {
  return {
    path: "/etc/git-bridge/config.yaml",
    server: { port: 8080 },
    providers: new Map(providers.map((p) => [p.name, p])),
    repos,
    consumers: [],
    webhook: { maxBodySizeMb: 10 },
    retry: {},
    slack: { socketMode: false, allowedUsers: [], allowedChannels: [], approvers: [], apiUrl: "https://slack.com/api/", allowSelfApproval: false },
    notification: { slack: {} },
    mirror: { timeoutSeconds: 600, concurrency: 4, drainTimeoutSeconds: 30 },
    git: { engine: "native" },
    hooks: {},
    reconcile: { enabled: false, schedule: "0 */10 * * * *", concurrency: 16 },
    status: {},
    workDir: "/var/lib/git-bridge",
    secrets: [],
    warnings: [],
  };
}

const CONFIG = config(
  [
    provider("gh", "github"), // no base_url: github.com
    provider("gh-bot", "github", "https://github.com"),
    provider("ghe", "github", "https://octocoders.github.io"),
    provider("gl-eu", "gitlab", "https://gitlab.eu.example.com"),
    provider("gl-us", "gitlab", "https://gitlab.us.example.com:8443"),
    provider("gt", "gitea", "https://gitea.example.com"),
    provider("plain", "git", "https://git.example.com"),
  ],
  [
    repo({
      name: "app",
      source: "gh",
      target: "gt",
      sourcePath: "Org/App",
      targetPath: "mirror/app",
      direction: "bidirectional",
      refOverrides: [{ pattern: "release/*", from: "gh", to: "gt" }],
    }),
    repo({ name: "eu-svc", source: "gl-eu", target: "gt", sourcePath: "team/svc", targetPath: "eu/svc" }),
    repo({ name: "us-svc", source: "gl-us", target: "gt", sourcePath: "team/svc", targetPath: "us/svc" }),
    // org/shared on github.com through two provider entries: source of "up", target of "down".
    repo({ name: "up", source: "gh-bot", target: "gl-eu", sourcePath: "org/shared", targetPath: "x/shared" }),
    repo({
      name: "down",
      source: "gt",
      target: "gh",
      sourcePath: "y/shared",
      targetPath: "org/shared",
      direction: "bidirectional",
    }),
    repo({ name: "plain-only", source: "plain", target: "gt", sourcePath: "Org/App2", targetPath: "mirror/app2" }),
  ],
);

function push(p: Partial<PushDelivery> & Pick<PushDelivery, "provider" | "repoPath">): PushDelivery {
  return { kind: "push", ref: "refs/heads/main", deleted: false, ...p };
}
function matched(r: MatchResult): DeliveryMatch {
  assert.ok(!("ignored" in r), "ignored" in r ? r.ignored : "");
  return r;
}
function ignored(r: MatchResult): string {
  assert.ok("ignored" in r, `expected ignored, got ${"repo" in r ? r.repo.name : ""}`);
  return r.ignored;
}

test("target_path is matched before source_path", () => {
  const m = matched(matchDelivery(CONFIG, push({ provider: "github", repoPath: "org/shared", host: "github.com" })));
  assert.equal(m.repo.name, "down");
  assert.equal(m.side, "target");
  assert.equal(m.direction, "target-to-source");
  assert.equal(m.provider, "gh");
});

test("a candidate that may not flow this way gives way to the next one", () => {
  const oneWay = config([...CONFIG.providers.values()], CONFIG.repos.map((r) =>
    r.name === "down" ? { ...r, direction: "source-to-target" as const } : r
  ));
  const m = matched(matchDelivery(oneWay, push({ provider: "github", repoPath: "org/shared", host: "github.com" })));
  assert.equal(m.repo.name, "up");
  assert.equal(m.side, "source");
  assert.equal(m.direction, "source-to-target");
});

test("source side flows source-to-target; GitHub paths compare case-insensitively", () => {
  const m = matched(matchDelivery(CONFIG, push({ provider: "github", repoPath: "org/app", host: "github.com" })));
  assert.equal(m.repo.name, "app");
  assert.equal(m.direction, "source-to-target");
});

test("GitLab paths compare exactly", () => {
  const r = matchDelivery(CONFIG, push({ provider: "gitlab", repoPath: "Team/Svc", host: "gitlab.eu.example.com" }));
  assert.match(ignored(r), /no repo has gitlab at gitlab\.eu\.example\.com path Team\/Svc/);
});

test("two GitLab instances with the same path are told apart by host", () => {
  const eu = matched(matchDelivery(CONFIG, push({ provider: "gitlab", repoPath: "team/svc", host: "gitlab.eu.example.com" })));
  assert.equal(eu.repo.name, "eu-svc");
  const us = matched(matchDelivery(CONFIG, push({ provider: "gitlab", repoPath: "team/svc", host: "gitlab.us.example.com:8443" })));
  assert.equal(us.repo.name, "us-svc");
  // Same host name, other port: a different instance.
  const r = matchDelivery(CONFIG, push({ provider: "gitlab", repoPath: "team/svc", host: "gitlab.us.example.com" }));
  assert.match(ignored(r), /no gitlab provider has base_url host gitlab\.us\.example\.com; configured: gl-eu/);
});

test("no host and several providers claiming the path: ambiguous, not guessed", () => {
  const r = ignored(matchDelivery(CONFIG, push({ provider: "gitlab", repoPath: "team/svc" })));
  assert.match(r, /team\/svc is claimed on several gitlab providers \(gl-eu, gl-us\)/);
  // A single claimant needs no host.
  assert.equal(matched(matchDelivery(CONFIG, push({ provider: "gitea", repoPath: "mirror/app" }))).repo.name, "app");
});

test("one-way repo: events from its receiving side are ignored with the reason", () => {
  const r = matchDelivery(CONFIG, push({ provider: "gitea", repoPath: "eu/svc", host: "gitea.example.com" }));
  assert.equal(ignored(r), "repo eu-svc mirrors source-to-target only; it cannot sync target-to-source: changes on its target are not mirrored");
});

test("ref_overrides pin a ref to one direction (Go path.Match on the short name)", () => {
  const fromGitea = (ref: string) =>
    matchDelivery(CONFIG, push({ provider: "gitea", repoPath: "mirror/app", host: "gitea.example.com", ref }));
  assert.match(
    ignored(fromGitea("refs/heads/release/1.0")),
    /^app: refs\/heads\/release\/1\.0 is pinned by ref_overrides pattern "release\/\*" to flow gh → gt; events from gt/,
  );
  assert.equal(matched(fromGitea("refs/heads/main")).direction, "target-to-source");
  assert.equal(matched(fromGitea("refs/heads/release/1.0/hotfix")).direction, "target-to-source"); // * stops at /
  const fromGithub = matched(matchDelivery(CONFIG, push({ provider: "github", repoPath: "Org/App", ref: "refs/heads/release/1.0" })));
  assert.equal(fromGithub.direction, "source-to-target");
});

test("only providers of the route's type count (git type never)", () => {
  const r = matchDelivery(CONFIG, push({ provider: "github", repoPath: "Org/App2", host: "github.com" }));
  assert.match(ignored(r), /no repo has github at github\.com path Org\/App2/);
  const none = matchDelivery(config([provider("plain", "git", "https://git.example.com")], []), push({ provider: "gitea", repoPath: "a/b" }));
  assert.match(ignored(none), /no gitea provider is configured/);
});

test("GitHub Enterprise host picks the GHES provider, github.com never matches it", () => {
  const ghesOnly = config([...CONFIG.providers.values()], [
    repo({ name: "ent", source: "ghe", target: "gt", sourcePath: "Codertocat/Hello-World", targetPath: "ent/hello" }),
  ]);
  const m = matched(matchDelivery(ghesOnly, push({ provider: "github", repoPath: "Codertocat/Hello-World", host: "octocoders.github.io" })));
  assert.equal(m.provider, "ghe");
  const r = matchDelivery(ghesOnly, push({ provider: "github", repoPath: "Codertocat/Hello-World", host: "github.com" }));
  assert.match(ignored(r), /no repo has github at github\.com/);
});

test("real GitLab delivery end to end: parse, match by web_url host, SyncRequest", () => {
  const raw = new Uint8Array(readFileSync(new URL("../../test/fixtures/webhooks/gitlab/push.json", import.meta.url)));
  const d = parseGitlab(raw, new Headers({ "X-Gitlab-Event": "Push Hook", "Idempotency-Key": "k-1" }));
  assert.equal(d.kind, "push");
  if (d.kind !== "push") return;
  const cfg = config(
    [provider("docs", "gitlab", "http://example.com"), provider("other", "gitlab", "https://gitlab.com"), provider("gt", "gitea", "https://g.example")],
    [
      repo({ name: "diaspora-other", source: "other", target: "gt", sourcePath: "mike/diaspora", targetPath: "o/diaspora" }),
      repo({ name: "diaspora", source: "docs", target: "gt", sourcePath: "mike/diaspora", targetPath: "m/diaspora" }),
    ],
  );
  const m = matched(matchDelivery(cfg, d));
  assert.equal(m.repo.name, "diaspora");
  assert.deepEqual(toSyncRequest(m, d), {
    repo: "diaspora",
    direction: "source-to-target",
    ref: "refs/heads/master",
    source: "gitlab",
    deliveryId: "k-1",
    actor: "jsmith",
  });
});

test("toSyncRequest leaves out what the delivery did not say", () => {
  const d = push({ provider: "gitlab", repoPath: "team/svc", host: "gitlab.eu.example.com" });
  const m = matched(matchDelivery(CONFIG, d));
  assert.deepEqual(toSyncRequest(m, d), { repo: "eu-svc", direction: "source-to-target", ref: "refs/heads/main", source: "gitlab" });
});
