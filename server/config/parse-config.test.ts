import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, configErrorOf, eachString, fixture, GO_ENV, parse, yaml } from "./test-helpers.ts";

describe("parseConfig: the Go git-bridge format", () => {
  it("loads go-example.yaml unchanged", () => {
    const c = parse(fixture("go-example.yaml"), GO_ENV);
    assert.equal(c.path, "/srv/bridge/config.yaml");
    assert.deepEqual(c.server, { port: 8080 });
    assert.deepEqual(c.mirror, { timeoutSeconds: 300, drainTimeoutSeconds: 120, concurrency: 4 });
    assert.deepEqual([...c.providers.keys()], ["codecommit-eu", "gitlab-main", "github-main"]);
    assert.deepEqual(c.providers.get("codecommit-eu"), {
      name: "codecommit-eu",
      type: "codecommit",
      baseUrl: "https://git-codecommit.eu-central-1.amazonaws.com",
      region: "eu-central-1",
      credentials: { gitUsername: "bridge-at-123456789012", gitPassword: "cc-password-1" },
      allowInsecureHttp: false,
      allowPrivateNetwork: false,
    });
    assert.equal(c.providers.get("gitlab-main")?.baseUrl, "https://gitlab.example.com"); // trailing / stripped
    assert.deepEqual(c.providers.get("gitlab-main")?.credentials, { token: "glpat-secret-1" });
    assert.equal(c.providers.get("github-main")?.baseUrl, "https://github.com");
    assert.deepEqual(c.repos[0], {
      name: "web-app",
      source: "codecommit-eu",
      target: "gitlab-main",
      sourcePath: "web-app",
      targetPath: "frontend/web-app",
      direction: "bidirectional",
      retryDirection: "target-to-source",
      refOverrides: [
        { pattern: "release", from: "gitlab-main", to: "codecommit-eu" },
        { pattern: "release-*", from: "gitlab-main", to: "codecommit-eu" },
      ],
      refsInclude: ["refs/heads/*", "refs/tags/*"],
      refsExclude: [],
      prune: false,
      onDivergence: "skip",
    });
    assert.equal(c.repos[2].direction, "source-to-target"); // the default
    assert.deepEqual(c.consumers, [{
      name: "sqs-eu",
      type: "sqs",
      queueUrl: "https://sqs.eu-central-1.amazonaws.com/123456789012/git-bridge",
      region: "eu-central-1",
      credentials: { accessKey: "AKIAEXAMPLE", secretKey: "sqs-secret-key-1" },
      visibilityTimeoutSeconds: 600,
      waitTimeSeconds: 20,
      retryBackoffSeconds: 10,
    }]);
    assert.equal(c.webhook.maxBodySizeMb, 10);
    assert.equal(c.notification.slack.channel, "#ops");
    assert.deepEqual(c.git, { engine: "auto" });
    assert.equal(c.workDir, "/srv/bridge/data");
  });

  it("leaves no literal ${ anywhere in the loaded config", () => {
    const env = {
      ...GO_ENV,
      SQS_LEGACY_QUEUE_URL: "https://sqs/legacy",
      SQS_LEGACY_REGION: "eu-west-1",
      SQS_LEGACY_ACCESS_KEY: "AK2-legacy",
      SQS_LEGACY_SECRET_KEY: "SK2-legacy",
      WEBHOOK_GITLAB_SECRET: "gls-secret",
      RETRY_API_TOKEN: "rt-token",
      SLACK_WEBHOOK_URL: "https://hooks.slack.com/x",
    };
    for (const c of [parse(fixture("go-example.yaml"), GO_ENV), parse(fixture("go-example.yaml"), env)]) {
      let strings = 0;
      eachString(c, (s, path) => {
        strings++;
        assert.ok(!s.includes("${"), `${path} = ${s}`);
      });
      assert.ok(strings > 30);
    }
  });

  it("merges the legacy consumer into consumers when its queue_url is set", () => {
    const env = {
      ...GO_ENV,
      SQS_LEGACY_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/legacy",
      SQS_LEGACY_REGION: "eu-west-1",
      SQS_LEGACY_ACCESS_KEY: "AK2-legacy",
      SQS_LEGACY_SECRET_KEY: "SK2-legacy",
    };
    const c = parse(fixture("go-example.yaml"), env);
    assert.deepEqual(c.consumers[1], {
      name: "default",
      type: "sqs",
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/1/legacy",
      region: "eu-west-1",
      credentials: { accessKey: "AK2-legacy", secretKey: "SK2-legacy" },
      visibilityTimeoutSeconds: 120, // as documented; a heartbeat covers longer syncs
      waitTimeSeconds: 20,
      retryBackoffSeconds: 10,
    });
  });

  it("reports every unset variable at once, with positions and data.variables", () => {
    const err = configErrorOf(fixture("go-example.yaml"), { GITHUB_MAIN_TOKEN: "" });
    const lines = err.data.errors as string[];
    assert.deepEqual(err.data.variables, Object.keys(GO_ENV));
    assert.equal(lines.length, 10);
    assert.equal(
      lines[0],
      "config.yaml:15:13: providers.codecommit-eu.region references ${CODECOMMIT_EU_REGION}, which is unset or empty. " +
        "Set CODECOMMIT_EU_REGION or remove the provider.",
    );
    assert.equal(
      lines[5],
      "config.yaml:27:14: providers.github-main.credentials.token references ${GITHUB_MAIN_TOKEN}, which is unset or empty. " +
        "Set GITHUB_MAIN_TOKEN or remove the provider.",
    );
    assert.equal(
      lines[9],
      "config.yaml:60:19: consumers[0].credentials.secret_key references ${SQS_EU_SECRET_KEY}, which is unset or empty. " +
        "Set SQS_EU_SECRET_KEY or remove the consumer.",
    );
  });

  it("names the variable and position of an unset credential (the documented example)", () => {
    const text = yaml(
      "providers:",
      "  github-main:",
      "    type: github",
      "    credentials: { token: ghp-1 }",
      "  gitlab-main:",
      "    type: gitlab",
      "    base_url: https://gitlab.example.com",
      "    credentials:",
      '      token: "${GITLAB_MAIN_TOKEN}"',
      "repos: [{ name: a, source: gitlab-main, target: github-main, source_path: t/a, target_path: o/a }]",
    );
    const err = configErrorOf(text, {});
    assert.equal(
      err.message,
      "config.yaml:9:14: providers.gitlab-main.credentials.token references ${GITLAB_MAIN_TOKEN}, which is unset or empty. " +
        "Set GITLAB_MAIN_TOKEN or remove the provider.",
    );
    assert.deepEqual(err.data.variables, ["GITLAB_MAIN_TOKEN"]);
  });
});

describe("parseConfig: our extensions and defaults", () => {
  it("reads gitea and git providers, refs, prune, on_divergence, git.engine, hooks and credentials.username", () => {
    const c = parse(yaml(
      "providers:",
      "  gitea: { type: gitea, base_url: 'https://gitea.example.com/', credentials: { token: gt-token, username: mirror } }",
      "  local: { type: git, base_url: 'http://127.0.0.1:8174/git', allow_insecure_http: true, allow_private_network: true }",
      "repos:",
      "  - name: app",
      "    source: gitea",
      "    target: local",
      "    source_path: org/app",
      "    target_path: app",
      "    refs: { include: ['refs/heads/main', 'refs/tags/v*'], exclude: ['refs/tags/*-rc*'] }",
      "    prune: true",
      "    on_divergence: force",
      "git: { engine: native }",
      "mirror: { timeout_seconds: 0, concurrency: 2 }",
      "webhook: { max_body_size_mb: 25 }",
    ));
    assert.deepEqual(c.providers.get("gitea"), {
      name: "gitea",
      type: "gitea",
      baseUrl: "https://gitea.example.com",
      credentials: { token: "gt-token", username: "mirror" },
      allowInsecureHttp: false,
      allowPrivateNetwork: false,
    });
    assert.deepEqual(c.providers.get("local"), {
      name: "local",
      type: "git",
      baseUrl: "http://127.0.0.1:8174/git",
      credentials: {},
      allowInsecureHttp: true,
      allowPrivateNetwork: true,
    });
    assert.deepEqual(c.repos[0].refsInclude, ["refs/heads/main", "refs/tags/v*"]);
    assert.deepEqual(c.repos[0].refsExclude, ["refs/tags/*-rc*"]);
    assert.equal(c.repos[0].prune, true);
    assert.equal(c.repos[0].onDivergence, "force");
    assert.equal(c.git.engine, "native");
    assert.deepEqual(c.mirror, { timeoutSeconds: 300, drainTimeoutSeconds: 120, concurrency: 2 }); // 0 = default, as in Go
    assert.equal(c.webhook.maxBodySizeMb, 25);
  });
  it("accepts direction in any case, as the Go bridge did", () => {
    assert.equal(
      parse(yaml(...BASE, "    direction: Source-To-Target")).repos[0].direction,
      "source-to-target",
    );
  });
  it("understands anchors, merge keys and empty values", () => {
    const c = parse(yaml(
      "defaults: &defaults { source: cc, target: gl, direction: bidirectional }",
      ...BASE.slice(0, 13),
      "  - <<: *defaults",
      "    name: app",
      "    source_path: app",
      "    target_path: team/app",
      "    direction: source-to-target",
      "    slack_webhook_url:",
    ));
    assert.equal(c.repos[0].source, "cc");
    assert.equal(c.repos[0].direction, "source-to-target"); // explicit keys win over merged ones
    assert.equal(c.repos[0].slackWebhookUrl, undefined);
    assert.deepEqual(c.warnings[0], 'config.yaml:1:1: unknown key "defaults" at the top level (ignored)');
  });
});

describe("parseConfig: unknown keys are warnings", () => {
  it("collects each with its key position and a suggestion", () => {
    const c = parse(yaml(
      "sever: { port: 1 }",
      ...BASE,
      "    prun: true",
      "    sourcePath: x",
      "    frobnicate: 1",
      "webhook: { github_secret: ssss, gitlab_secret: ssss, gitea_secret: ssss, max_body: 3 }",
      "providers2: {}",
    ));
    assert.deepEqual(c.warnings, [
      'config.yaml:1:1: unknown key "sever" at the top level (ignored); did you mean "server"?',
      'config.yaml:20:5: unknown key "prun" in repos[0] (ignored); did you mean "prune"?',
      'config.yaml:21:5: unknown key "sourcePath" in repos[0] (ignored); did you mean "source_path"?',
      'config.yaml:22:5: unknown key "frobnicate" in repos[0] (ignored)',
      'config.yaml:23:74: unknown key "max_body" in webhook (ignored)',
      'config.yaml:24:1: unknown key "providers2" at the top level (ignored); did you mean "providers"?',
    ]);
    assert.equal(c.repos[0].prune, false);
  });
  it("accepts the Go keys this implementation ignores without a warning", () => {
    const c = parse(
      yaml(
        "server: { port: 8080, console_port: 8081, api_docs_url: 'https://x/docs' }",
        ...BASE,
        "webhook: { github_secret: ssss, gitlab_secret: ssss, gitea_secret: ssss }",
      ),
    );
    assert.deepEqual(c.warnings, []);
  });
});
