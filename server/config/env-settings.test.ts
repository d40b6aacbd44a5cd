// ${VAR} switch settings and the environment variables that override the file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, configErrorOf, parse, yaml } from "./test-helpers.ts";

describe("parseConfig: switch settings", () => {
  const text = yaml(
    ...BASE,
    '    slack_webhook_url: "${APP_SLACK}"',
    "webhook:",
    '  gitlab_secret: "${WH_GL}"',
    '  github_secret: ""',
    '  gitea_secret: "${WH_GITEA}"',
    "retry: { api_token: '${RETRY_TOKEN_X}' }",
    "notification:",
    "  slack: { webhook_url: '${SLACK_X}', channel: '${CHAN}', bot_token: '${BOT}' }",
    "hooks: { secret: '${HOOK_SECRET}', server_url: 'https://bridge.example.com' }",
  );
  it("become undefined when their variable is unset or empty, without an error", () => {
    const c = parse(text, { WH_GITEA: "" });
    assert.deepEqual(c.webhook, {
      gitlabSecret: undefined,
      githubSecret: undefined,
      giteaSecret: undefined,
      maxBodySizeMb: 25,
    });
    assert.equal(c.retry.apiToken, undefined);
    assert.deepEqual(c.notification.slack, {
      webhookUrl: undefined,
      channel: undefined,
      botToken: undefined,
    });
    assert.equal(c.repos[0].slackWebhookUrl, undefined);
    assert.deepEqual(c.hooks, { secret: undefined, serverUrl: "https://bridge.example.com" });
    assert.deepEqual(c.secrets, ["glpat-1", "ghp-1", "p4ss"]);
  });
  it("warn loudly when webhook verification is off for a provider type that is configured", () => {
    const c = parse(text, {});
    // BASE has github and gitlab providers but no gitea one: the gitea route mirrors nothing.
    assert.deepEqual(c.warnings, [
      "config.yaml:22:18: webhook.github_secret is not set: GitHub webhook signatures are NOT verified",
      "config.yaml:21:18: webhook.gitlab_secret is not set: GitLab webhook signatures are NOT verified",
    ]);
  });
  it("take their values when set, and every one of them is a secret", () => {
    const env = {
      APP_SLACK: "https://hooks.slack.com/app",
      WH_GL: "gl-wh",
      WH_GITEA: "gitea-wh",
      RETRY_TOKEN_X: "retry-tok",
      SLACK_X: "https://hooks.slack.com/all",
      CHAN: "#ops",
      BOT: "xoxb-1",
      HOOK_SECRET: "hook-s",
    };
    const c = parse(text, env);
    assert.equal(c.webhook.gitlabSecret, "gl-wh");
    assert.equal(c.webhook.giteaSecret, "gitea-wh");
    assert.equal(c.retry.apiToken, "retry-tok");
    assert.deepEqual(c.notification.slack, {
      webhookUrl: "https://hooks.slack.com/all",
      channel: "#ops",
      botToken: "xoxb-1",
    });
    assert.equal(c.repos[0].slackWebhookUrl, "https://hooks.slack.com/app");
    assert.equal(c.hooks.secret, "hook-s");
    assert.deepEqual(c.secrets, [
      "https://hooks.slack.com/all",
      "https://hooks.slack.com/app",
      "retry-tok",
      "gitea-wh",
      "glpat-1",
      "xoxb-1",
      "hook-s",
      "ghp-1",
      "gl-wh",
      "p4ss",
    ]); // longest first, ties in collection order
    assert.equal(c.secrets.includes("#ops"), false);
    assert.deepEqual(c.warnings, [
      "config.yaml:22:18: webhook.github_secret is not set: GitHub webhook signatures are NOT verified",
    ]);
  });
});

describe("parseConfig: environment overrides", () => {
  it("RETRY_API_TOKEN and SLACK_WEBHOOK_URL fill in only what the file leaves unset", () => {
    const env = { RETRY_API_TOKEN: "env-retry", SLACK_WEBHOOK_URL: "https://hooks.slack.com/env" };
    const unset = parse(yaml(...BASE), env);
    assert.equal(unset.retry.apiToken, "env-retry");
    assert.equal(unset.notification.slack.webhookUrl, "https://hooks.slack.com/env");
    assert.ok(unset.secrets.includes("env-retry") && unset.secrets.includes("https://hooks.slack.com/env"));
    const set = parse(
      yaml(
        ...BASE,
        "retry: { api_token: file-retry }",
        "notification: { slack: { webhook_url: 'https://file' } }",
      ),
      env,
    );
    assert.equal(set.retry.apiToken, "file-retry");
    assert.equal(set.notification.slack.webhookUrl, "https://file");
  });
  it("WORK_DIR wins over work_dir, which wins over ./data; all resolved against cwd", () => {
    assert.equal(parse(yaml(...BASE)).workDir, "/srv/bridge/data");
    assert.equal(parse(yaml(...BASE, "work_dir: var/cache")).workDir, "/srv/bridge/var/cache");
    assert.equal(
      parse(yaml(...BASE, "work_dir: var/cache"), { WORK_DIR: "/data/bridge" }).workDir,
      "/data/bridge",
    );
  });
  it("PORT overrides server.port", () => {
    assert.equal(parse(yaml("server: { port: 9000 }", ...BASE)).server.port, 9000);
    assert.equal(parse(yaml("server: { port: 9000 }", ...BASE), { PORT: "3000" }).server.port, 3000);
    assert.equal(parse(yaml(...BASE), { PORT: "" }).server.port, 8080);
  });
  it("rejects a PORT that is not a port number", () => {
    for (const bad of ["0", "65536", "80a", "-1"]) {
      assert.deepEqual(configErrorOf(yaml(...BASE), { PORT: bad }).data.errors, [
        `environment variable PORT must be an integer from 1 to 65535 (got ${
          JSON.stringify(bad)
        }); fix or unset it`,
      ]);
    }
  });
  it("accepts an unquoted ${VAR} anywhere, even in flow collections and numeric or boolean settings", () => {
    // The Go bridge expanded ${VAR} in the raw text before parsing YAML, so all of these worked there.
    const c = parse(
      yaml(
        "server: { port: '${P}' }",
        "mirror: { concurrency: ${N} }",
        ...BASE.slice(0, 9),
        "    allow_private_network: ${PRIV}",
        ...BASE.slice(9),
      ),
      { P: "8181", N: "8", PRIV: "true" },
    );
    assert.equal(c.server.port, 8181);
    assert.equal(c.mirror.concurrency, 8);
    assert.equal(c.providers.get("gl")?.allowPrivateNetwork, true);
  });
});

describe("parseConfig: empty strings mean not set (Go's zero value)", () => {
  it("for optional enums and switches alike", () => {
    const c = parse(
      yaml(...BASE, '    retry_direction: ""', '    slack_webhook_url: ""', "retry: { api_token: '' }"),
    );
    assert.equal(c.repos[0].retryDirection, undefined);
    assert.equal(c.repos[0].slackWebhookUrl, undefined);
    assert.equal(c.retry.apiToken, undefined);
  });
});
