// Config errors never print a secret: values that came from ${VAR} are shown as ${VAR}, a malformed
// Slack webhook URL is not repeated, and secrets too short to redact are refused.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { configErrorOf, parse, yaml } from "./test-helpers.ts";
import { showReferences } from "./show-references.ts";

const CANARY = {
  GH_TOKEN: "canary-ghtoken-77aa01",
  RT: "canary-retry-88bb02",
  DST_PASS: "canary-dstpass-99cc03",
  QUOTED: 'canary"quoted\\token-aa11',
  SLACK: "canary-slackhook-bb22",
};

const base = (...providerLines: string[]) =>
  yaml(
    "providers:",
    "  gh:",
    "    type: github",
    "  dst:",
    "    type: git",
    ...providerLines,
    "repos:",
    "  - { name: app, source: gh, target: dst, source_path: org/app, target_path: mirror/app }",
  );

function assertClean(text: string) {
  for (const [k, v] of Object.entries(CANARY)) {
    assert.ok(!text.includes(v), `${k} printed: ${text}`);
    assert.ok(!text.includes(JSON.stringify(v).slice(1, -1)), `${k} printed escaped: ${text}`);
  }
}

describe("values from ${VAR} are shown as ${VAR}", () => {
  test('credentials: "${GH_TOKEN}" → must be a mapping (got "${GH_TOKEN}")', () => {
    const err = configErrorOf(base('    base_url: "https://git.example.com"', '    credentials: "${GH_TOKEN}"'), CANARY);
    assert.match(err.message, /providers\.dst\.credentials must be a mapping \(got "\$\{GH_TOKEN\}"\)/);
    assertClean(err.message);
    assertClean(JSON.stringify(err.data));
  });

  test('retry: "${RT}" → must be a mapping (got "${RT}")', () => {
    const err = configErrorOf(base('    base_url: "https://git.example.com"') + 'retry: "${RT}"\n', CANARY);
    assert.match(err.message, /retry must be a mapping \(got "\$\{RT\}"\)/);
    assertClean(err.message);
  });

  test('base_url: "${DST_PASS}" → (got "${DST_PASS}"), also inside a longer value', () => {
    const err = configErrorOf(base('    base_url: "${DST_PASS}"'), CANARY);
    assert.match(err.message, /providers\.dst\.base_url must be an http\(s\) URL such as https:\/\/git\.example\.com \(got "\$\{DST_PASS\}"\)/);
    assertClean(err.message);
    const inside = configErrorOf(base('    base_url: "git.example.com/${DST_PASS}"'), CANARY);
    assert.match(inside.message, /\(got "git\.example\.com\/\$\{DST_PASS\}"\)/);
    assertClean(inside.message);
  });

  test("a value with a quote or backslash is caught in its JSON-escaped form too", () => {
    const err = configErrorOf(base('    base_url: "https://git.example.com"', '    credentials: "${QUOTED}"'), CANARY);
    assert.match(err.message, /must be a mapping \(got "\$\{QUOTED\}"\)/);
    assertClean(err.message);
  });

  test("short values are replaced only where they stand alone", () => {
    assert.equal(showReferences('got "git" for git.engine', [["T", "git"]]), 'got "${T}" for ${T}.engine');
    assert.equal(showReferences("digits 8080 in 18080", [["PORT", "8080"]]), "digits ${PORT} in 18080");
    assert.equal(showReferences("xcanary-long-valuex", [["V", "canary-long-value"]]), "x${V}x");
  });
});

describe("Slack webhook URLs in config errors", () => {
  for (const [where, lines] of [
    ["notification.slack.webhook_url", ["notification:", "  slack:", `    webhook_url: "hooks.slack.com/services/T0/B0/${CANARY.SLACK}"`]],
    ["repos[0].slack_webhook_url", []],
  ] as const) {
    test(`a malformed ${where} is not echoed`, () => {
      const text = where.startsWith("repos")
        ? base('    base_url: "https://git.example.com"').replace(
          "target_path: mirror/app }",
          `target_path: mirror/app, slack_webhook_url: "hooks.slack.com/services/T0/B0/${CANARY.SLACK}" }`,
        )
        : base('    base_url: "https://git.example.com"') + lines.join("\n") + "\n";
      const err = configErrorOf(text);
      assert.match(err.message, new RegExp(`${where.replace(/[.[\]]/g, "\\$&")} must be an http\\(s\\) URL \\(the value is not shown, as it is a secret\\)`));
      assertClean(err.message);
    });
  }
});

describe("secrets shorter than 4 characters are refused", () => {
  test("each secret setting, with its position, without the value", () => {
    const err = configErrorOf(
      base('    base_url: "https://git.example.com"', "    credentials: { git_username: m, git_password: Qz9 }") +
        'webhook:\n  github_secret: "${S}"\nretry:\n  api_token: x7\nhooks:\n  secret: "kk"\n',
      { S: "W3q" },
    );
    const lines = err.message.split("\n");
    for (const path of ["providers.dst.credentials.git_password", "webhook.github_secret", "retry.api_token", "hooks.secret"]) {
      assert.ok(lines.some((l) => l.includes(`${path} is shorter than 4 characters`) && /cannot be redacted/.test(l)), `${path}: ${err.message}`);
    }
    for (const v of ["Qz9", "W3q", "x7", '"kk"']) assert.ok(!err.message.includes(v), v);
  });

  test("RETRY_API_TOKEN from the environment too", () => {
    const err = configErrorOf(base('    base_url: "https://git.example.com"'), { RETRY_API_TOKEN: "ab1" });
    assert.match(err.message, /environment variable RETRY_API_TOKEN is shorter than 4 characters/);
    assert.ok(!err.message.includes("ab1"));
  });

  test("4 characters and more are accepted", () => {
    const c = parse(base('    base_url: "https://git.example.com"') + "retry:\n  api_token: abcd\n");
    assert.equal(c.retry.apiToken, "abcd");
  });
});
