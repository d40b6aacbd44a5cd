import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnsafeInputError } from "../errors.ts";
import { httpAuth, remoteUrl } from "./remote-url.ts";
import type { ProviderConfig, ProviderType } from "./types.ts";

const provider = (type: ProviderType, extra: Partial<ProviderConfig> = {}): ProviderConfig => ({
  name: `${type}-1`,
  type,
  credentials: {},
  allowInsecureHttp: false,
  allowPrivateNetwork: false,
  ...extra,
});

describe("remoteUrl", () => {
  it("builds base_url/<path>.git for github, gitlab, gitea and git", () => {
    assert.equal(remoteUrl(provider("github"), "org/app"), "https://github.com/org/app.git");
    assert.equal(
      remoteUrl(provider("github", { baseUrl: "https://ghe.example.com" }), "org/app"),
      "https://ghe.example.com/org/app.git",
    );
    assert.equal(
      remoteUrl(provider("gitlab", { baseUrl: "https://gitlab.example.com" }), "team/sub/app"),
      "https://gitlab.example.com/team/sub/app.git",
    );
    assert.equal(
      remoteUrl(provider("gitea", { baseUrl: "https://gitea.example.com/" }), "org/app"),
      "https://gitea.example.com/org/app.git",
    );
    assert.equal(
      remoteUrl(provider("git", { baseUrl: "http://127.0.0.1:8174/git" }), "app"),
      "http://127.0.0.1:8174/git/app.git",
    );
  });
  it("does not double a .git suffix", () => {
    assert.equal(remoteUrl(provider("git", { baseUrl: "https://h" }), "app.git"), "https://h/app.git");
  });
  it("builds the CodeCommit URL from the region or base_url", () => {
    assert.equal(
      remoteUrl(provider("codecommit", { region: "eu-west-1" }), "web-app"),
      "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/web-app",
    );
    assert.equal(
      remoteUrl(provider("codecommit", { region: "eu-west-1", baseUrl: "https://cc.local:9000" }), "web-app"),
      "https://cc.local:9000/v1/repos/web-app",
    );
  });
  it("percent-encodes each segment and keeps the slashes between them", () => {
    assert.equal(
      remoteUrl(provider("gitlab", { baseUrl: "https://g" }), "team x/ü@%:app"),
      "https://g/team%20x/%C3%BC%40%25%3Aapp.git",
    );
  });
  it("refuses paths that could change the URL's meaning", () => {
    for (
      const bad of [
        "../admin",
        "a/../../b",
        "a/./b",
        "/abs",
        "-x",
        "a?b",
        "a#b",
        "a\\b",
        "a\u0000b",
        "a\nb",
        "a//b",
        "a/",
        "",
      ]
    ) {
      assert.throws(() => remoteUrl(provider("github"), bad), UnsafeInputError, JSON.stringify(bad));
    }
  });
  it("throws when a provider has no base URL to build from", () => {
    assert.throws(() => remoteUrl(provider("gitea"), "a"), /has no base_url/);
  });
});

describe("httpAuth", () => {
  it("pairs a token with the user name each host expects", () => {
    assert.deepEqual(httpAuth(provider("github", { credentials: { token: "t" } })), {
      username: "x-access-token",
      password: "t",
    });
    assert.deepEqual(httpAuth(provider("gitlab", { credentials: { token: "t" } })), {
      username: "oauth2",
      password: "t",
    });
    assert.deepEqual(httpAuth(provider("gitea", { credentials: { token: "t" } })), {
      username: "git-bridge",
      password: "t",
    });
    assert.deepEqual(httpAuth(provider("git", { credentials: { token: "t" } })), {
      username: "git-bridge",
      password: "t",
    });
  });
  it("lets credentials.username override the user name", () => {
    assert.deepEqual(httpAuth(provider("gitea", { credentials: { token: "t", username: "mirror-bot" } })), {
      username: "mirror-bot",
      password: "t",
    });
  });
  it("uses git_username/git_password otherwise", () => {
    assert.deepEqual(
      httpAuth(provider("codecommit", { credentials: { gitUsername: "u-at-1", gitPassword: "p" } })),
      { username: "u-at-1", password: "p" },
    );
  });
  it("is undefined without credentials", () => {
    assert.equal(httpAuth(provider("github")), undefined);
  });
});

describe("default base URLs (one rule for remotes, webhook hosts and web links)", () => {
  it("GitHub defaults to github.com, CodeCommit to its region's endpoint, others have none", async () => {
    const { defaultBaseUrl, providerBaseUrl } = await import("./base-url.ts");
    assert.equal(defaultBaseUrl("github"), "https://github.com");
    assert.equal(defaultBaseUrl("codecommit", "eu-west-1"), "https://git-codecommit.eu-west-1.amazonaws.com");
    assert.equal(defaultBaseUrl("codecommit", "not a region"), undefined);
    assert.equal(defaultBaseUrl("gitlab"), undefined);
    assert.equal(providerBaseUrl({ type: "gitlab", baseUrl: "https://gl.example.com//" }), "https://gl.example.com");
    assert.equal(providerBaseUrl({ type: "github", baseUrl: "" }), "https://github.com");
  });
});
