import assert from "node:assert/strict";
import { test } from "node:test";
import { parseMigration } from "./config.ts";
import { openContext } from "./context.ts";

const YAML = `gitea:   { url: "\${GITEA_INTERNAL_URL}", admin_user: admin, admin_password: "\${GITEA_ADMIN_PASSWORD}", token: "\${GITEA_ADMIN_TOKEN}" }
backup:  { url: "\${GITEA_BACKUP_INTERNAL_URL}", admin_user: admin, admin_password: "\${GITEA_BACKUP_ADMIN_PASSWORD}", token: "\${GITEA_BACKUP_ADMIN_TOKEN}" }
github:  { api_url: "https://api.github.com", token: "\${GITHUB_TOKEN}", owner: acme }
org: acme
repos: [app, lib]
mirror_interval: 8h
branch_protection: { branch: main, required_approvals: 1 }
status_checks: [semgrep, trivy, gitleaks]
`;
const ENV = {
  GITEA_INTERNAL_URL: "https://git.example.test",
  GITEA_ADMIN_PASSWORD: "pw-CANARY-1",
  GITEA_BACKUP_INTERNAL_URL: "https://backup.example.test",
  GITEA_BACKUP_ADMIN_TOKEN: "tok-CANARY-2",
  GITHUB_TOKEN: "ghp-CANARY-3",
};

test("the issue's migration.yaml loads; an unset token is 'not given', not an error", () => {
  const c = parseMigration(YAML, "migration.yaml", ENV, "/srv");
  assert.equal(c.gitea.token, undefined);
  assert.equal(c.gitea.admin_password, "pw-CANARY-1");
  assert.equal(c.backup!.token, "tok-CANARY-2");
  assert.equal(c.github.owner, "acme");
  assert.equal(c.workDir, "/srv/data");
  assert.equal(c.secretsFile, "/srv/data/migration.secrets.json");
  assert.deepEqual(c.secretValues.sort(), ["ghp-CANARY-3", "pw-CANARY-1", "tok-CANARY-2"]);
});

test("errors carry file:line:col and say what to do", () => {
  assert.throws(() => parseMigration(YAML, "migration.yaml", { ...ENV, GITHUB_TOKEN: "" }, "/srv"), /migration\.yaml:3:54: github\.token references \$\{GITHUB_TOKEN\}, which is unset or empty\. Set GITHUB_TOKEN/);
  assert.throws(() => parseMigration(YAML, "migration.yaml", { ...ENV, GITEA_ADMIN_PASSWORD: "" }, "/srv"), /migration\.yaml:1:10: gitea needs a token, or admin_password so phase 1 can create one/);
  assert.throws(() => parseMigration(YAML.replace("repos: [app, lib]", "repos: [app, app]"), "m.yaml", ENV, "/srv"), /m\.yaml:5:14: repos\[1\] lists "app" twice/);
  assert.throws(() => parseMigration(YAML.replace("mirror_interval: 8h", "mirror_interval: eight"), "m.yaml", ENV, "/srv"), /m\.yaml:6:18: mirror_interval must be a Go duration/);
  const warned = parseMigration(`${YAML}status_check: [x]\n`, "m.yaml", ENV, "/srv").warnings;
  assert.deepEqual(warned, ['m.yaml:9:1: unknown key "status_check" at the top level (ignored); did you mean "status_checks"?']);
});

test("backup is optional", () => {
  const c = parseMigration(YAML.split("\n").filter((l) => !l.startsWith("backup")).join("\n"), "m.yaml", ENV, "/srv");
  assert.equal(c.backup, undefined);
});

test("API URLs pass the git-remote address policy: https unless allowed, no private addresses unless allowed", async () => {
  const deps = { fetch, sleep: async () => {}, now: Date.now, log: () => {}, printSecret: () => {}, resolveHost: async (h: string) => (h === "git.example.test" ? ["10.0.0.5"] : ["93.184.215.14"]) };
  const c = parseMigration(YAML, "migration.yaml", ENV, "/tmp/gb-migrate-policy");
  await assert.rejects(openContext(c, deps), /gitea URL: refusing git\.example\.test: it resolves to 10\.0\.0\.5.*Set allow_private_network: true under gitea:/);
  const http = parseMigration(YAML.replace("https://api.github.com", "http://api.github.com"), "migration.yaml", { ...ENV, GITEA_INTERNAL_URL: "https://git2.example.test" }, "/tmp/gb-migrate-policy");
  await assert.rejects(openContext(http, deps), /github URL: refusing plain http for api\.github\.com: use https, or set allow_insecure_http: true under github:/);
});
