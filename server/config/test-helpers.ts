// Shared by the config tests (not a test file itself).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.ts";
import { parseConfig } from "./parse-config.ts";
import type { Config } from "./types.ts";

export const FIXTURES = new URL("../../test/fixtures/config/", import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

/** Every variable go-example.yaml needs, except the "switch" ones. */
export const GO_ENV: Record<string, string> = {
  CODECOMMIT_EU_REGION: "eu-central-1",
  CODECOMMIT_EU_GIT_USERNAME: "bridge-at-123456789012",
  CODECOMMIT_EU_GIT_PASSWORD: "cc-password-1",
  GITLAB_MAIN_BASE_URL: "https://gitlab.example.com/",
  GITLAB_MAIN_TOKEN: "glpat-secret-1",
  GITHUB_MAIN_TOKEN: "ghp_secret_1",
  SQS_EU_QUEUE_URL: "https://sqs.eu-central-1.amazonaws.com/123456789012/git-bridge",
  SQS_EU_REGION: "eu-central-1",
  SQS_EU_ACCESS_KEY: "AKIAEXAMPLE",
  SQS_EU_SECRET_KEY: "sqs-secret-key-1",
};

export const yaml = (...lines: string[]): string => lines.join("\n") + "\n";

export const parse = (text: string, env: Record<string, string | undefined> = {}): Config =>
  parseConfig(text, "config.yaml", env, { cwd: "/srv/bridge" });

/** The ConfigError parseConfig throws; its message is exactly its lines joined by newlines. */
export function configErrorOf(text: string, env: Record<string, string | undefined> = {}): ConfigError {
  try {
    parse(text, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, "config");
    assert.equal(err.message, (err.data.errors as string[]).join("\n"));
    return err;
  }
  assert.fail("expected a ConfigError");
}

export const errorsOf = (text: string, env: Record<string, string | undefined> = {}): string[] =>
  configErrorOf(text, env).data.errors as string[];

/** Calls `visit` on every string in a value, through Maps, arrays and objects. */
export function eachString(value: unknown, visit: (s: string, path: string) => void, path = "config"): void {
  if (typeof value === "string") visit(value, path);
  else if (value instanceof Map) { for (const [k, v] of value) eachString(v, visit, `${path}.${String(k)}`); }
  else if (Array.isArray(value)) value.forEach((v, i) => eachString(v, visit, `${path}[${i}]`));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) eachString(v, visit, `${path}.${k}`);
  }
}

/** A small valid config: providers on lines 1–12, repos[0] on lines 13–18 (keys at column 5). */
export const BASE = [
  "providers:",
  "  cc:",
  "    type: codecommit",
  "    region: eu-west-1",
  "    credentials: { git_username: u, git_password: p4ss }",
  "  gl:",
  "    type: gitlab",
  "    base_url: https://gitlab.example.com",
  "    credentials: { token: glpat-1 }",
  "  gh:",
  "    type: github",
  "    credentials: { token: ghp-1 }",
  "repos:",
  "  - name: app",
  "    source: cc",
  "    target: gl",
  "    source_path: app",
  "    target_path: team/app",
];
