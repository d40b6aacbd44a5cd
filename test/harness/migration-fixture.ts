// A whole migration world on loopback: a GitHub emulator with the org's repos, a primary and a
// backup Gitea emulator (imports read from GitHub, the backup's pull mirrors from the primary),
// a migration.yaml in a temp dir, and deps whose clock only moves when the toolkit sleeps.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MigrationDeps } from "../../scripts/migrate/context.ts";
import { type GiteaEmulator, startGiteaEmulator } from "./gitea-emulator.ts";
import { type GithubEmulator, githubRepo, type GithubWorld, startGithubEmulator } from "./github-emulator.ts";

// Canary secrets: tests assert these never show up in output, logs or files they should not.
export const GITHUB_TOKEN = "ghp_CANARYgithubTOKEN0123456789abcdef";
export const ADMIN_PASSWORD = "CANARY-primary-admin-pw-9f3e";
export const BACKUP_PASSWORD = "CANARY-backup-admin-pw-71ac";

export interface MigrationWorld {
  dir: string;
  configPath: string;
  env: Record<string, string>;
  github: GithubEmulator;
  primary: GiteaEmulator;
  backup?: GiteaEmulator;
  deps: MigrationDeps;
  logs: string[];
  printed: string[];
  sleeps: number[];
  snapshot(): unknown;
  violations(): string[];
  close(): Promise<void>;
}

export interface WorldOptions {
  newer?: boolean;
  backup?: boolean;
  repos?: string[];
  migrationPolls?: number;
  secretsMode?: "file" | "print";
  seedGithub?: (world: GithubWorld) => void;
  extraYaml?: string;
}

export async function startMigrationWorld(opts: WorldOptions = {}): Promise<MigrationWorld> {
  const repos = opts.repos ?? ["app", "lib"];
  const github = await startGithubEmulator((w) => {
    w.tokens[GITHUB_TOKEN] = "acme-bot";
    for (const r of repos) w.repos[`acme/${r}`] = githubRepo("acme", r);
    const lib = w.repos["acme/lib"];
    if (lib) {
      lib.pages = { cname: "docs.lib.example.test", build_type: "legacy", source: { branch: "main", path: "/docs" }, https_enforced: true };
      lib.description = null;
    }
    opts.seedGithub?.(w);
  });
  const primary = await startGiteaEmulator({
    newer: opts.newer ?? true,
    admin: { login: "admin", password: ADMIN_PASSWORD },
    migrationPolls: opts.migrationPolls ?? 1,
    resolveSource: (addr, auth) => github.sourceFor(addr, auth.token),
  });
  const backup = opts.backup === false ? undefined : await startGiteaEmulator({
    newer: opts.newer ?? true,
    admin: { login: "admin", password: BACKUP_PASSWORD },
    migrationPolls: opts.migrationPolls ?? 1,
    resolveSource: (addr, auth) => {
      // A pull mirror reads the primary over git with the primary admin token as password.
      if (!primary.world.tokens.some((t) => t.sha1 === auth.password) || !addr.startsWith(primary.url)) return undefined;
      const [, owner, name] = /\/([^/]+)\/([^/]+?)\.git$/.exec(addr) ?? [];
      const r = primary.world.repos[`${owner}/${name}`.toLowerCase()];
      return r && !r.empty ? { files: r.files, commits: r.commits, default_branch: r.default_branch } : undefined;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "gb-migrate-"));
  const env: Record<string, string> = {
    GITEA_INTERNAL_URL: primary.url,
    GITEA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    GITHUB_TOKEN,
    GITHUB_API_URL: github.url,
    ...(backup ? { GITEA_BACKUP_INTERNAL_URL: backup.url, GITEA_BACKUP_ADMIN_PASSWORD: BACKUP_PASSWORD } : {}),
  };
  const local = "allow_insecure_http: true, allow_private_network: true";
  const yaml = [
    `gitea:   { url: "\${GITEA_INTERNAL_URL}", admin_user: admin, admin_password: "\${GITEA_ADMIN_PASSWORD}", token: "\${GITEA_ADMIN_TOKEN}", ${local} }`,
    ...(backup ? [`backup:  { url: "\${GITEA_BACKUP_INTERNAL_URL}", admin_user: admin, admin_password: "\${GITEA_BACKUP_ADMIN_PASSWORD}", token: "\${GITEA_BACKUP_ADMIN_TOKEN}", ${local} }`] : []),
    `github:  { api_url: "\${GITHUB_API_URL}", token: "\${GITHUB_TOKEN}", owner: acme, ${local} }`,
    "org: acme",
    `repos: [${repos.join(", ")}]`,
    "mirror_interval: 8h",
    "branch_protection: { branch: main, required_approvals: 1 }",
    "status_checks: [semgrep, trivy, gitleaks]",
    `work_dir: ${join(dir, "work")}`,
    `secrets: { mode: ${opts.secretsMode ?? "file"} }`,
    opts.extraYaml ?? "",
  ].join("\n");
  const configPath = join(dir, "migration.yaml");
  writeFileSync(configPath, yaml);
  const logs: string[] = [];
  const printed: string[] = [];
  const sleeps: number[] = [];
  let clock = Date.parse("2026-12-05T06:00:00Z");
  const deps: MigrationDeps = {
    fetch: globalThis.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    resolveHost: async () => ["127.0.0.1"],
    log: (line) => logs.push(line),
    printSecret: (text) => printed.push(text),
  };
  const emus = [github, primary, ...(backup ? [backup] : [])];
  return {
    dir,
    configPath,
    env,
    github,
    primary,
    backup,
    deps,
    logs,
    printed,
    sleeps,
    snapshot: () => ({ github: github.snapshot(), primary: primary.snapshot(), backup: backup?.snapshot() }),
    violations: () => emus.flatMap((e) => e.violations),
    close: async () => {
      await Promise.all(emus.map((e) => e.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
