// migration.yaml: read with the same pieces as config.yaml (YAML with positions, `${VAR}` expansion
// on the parsed tree, valibot shape, unknown keys warned with "did you mean"), so every problem is
// reported as file:line:col. Tokens and admin passwords are "switches": an unset variable means
// "not given" (the phase creates the token from the password), not an error.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import * as v from "valibot";
import { ConfigError } from "../../server/errors.ts";
import { type Env, expandTree } from "../../server/config/expand-env.ts";
import { formatPath, isPlainMap, parseYaml, type Path } from "../../server/config/positions.ts";
import { configError, Report } from "../../server/config/report.ts";
import { warnUnknownKeys } from "../../server/config/unknown-keys.ts";

const SWITCHES = ["gitea.token", "gitea.admin_password", "backup.token", "backup.admin_password"];
const isSwitch = (path: Path) => SWITCHES.includes(path.join("."));

const str = (what = "a string") => v.pipe(v.string(`must be ${what}`), v.trim(), v.minLength(1, `must not be empty`));
const bool = () => v.optional(v.boolean("must be true or false"), false);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const name = () => v.pipe(str(), v.regex(NAME, "must be a repo or org name (letters, digits, . _ -)"));
const INTERVAL = /^(\d+h)?(\d+m)?(\d+s)?$/;

const Server = v.object({
  url: str("a URL"),
  admin_user: v.optional(name(), "admin"),
  admin_password: v.optional(str()),
  token: v.optional(str()),
  /** Same address policy as git remotes: https unless allowed, no private addresses unless allowed. */
  allow_insecure_http: bool(),
  allow_private_network: bool(),
});

export const MigrationSchema = v.object({
  gitea: Server,
  backup: v.optional(v.object({ ...Server.entries, owner: v.optional(name()) })),
  github: v.object({
    api_url: v.optional(str("a URL"), "https://api.github.com"),
    token: str(),
    owner: name(),
    allow_insecure_http: bool(),
    allow_private_network: bool(),
  }),
  org: name(),
  repos: v.pipe(v.array(name(), "must be a list of repo names"), v.minLength(1, "must list at least one repo"), v.maxLength(1000, "lists more than 1000 repos")),
  mirror_interval: v.optional(v.pipe(str(), v.regex(INTERVAL, 'must be a Go duration such as "8h" or "30m"')), "8h"),
  branch_protection: v.optional(
    v.object({ branch: v.optional(str(), "main"), required_approvals: v.optional(v.pipe(v.number("must be a number"), v.integer(), v.minValue(0)), 1) }),
    {},
  ),
  status_checks: v.optional(v.array(str(), "must be a list"), ["semgrep", "trivy", "gitleaks"]),
  security_workflow: v.optional(str(), ".gitea/workflows/security.yml"),
  import_timeout_seconds: v.optional(v.pipe(v.number("must be a number"), v.minValue(1)), 1800),
  secrets: v.optional(v.object({ mode: v.optional(v.picklist(["file", "print"], "must be file or print"), "file"), file: v.optional(str()) }), {}),
  work_dir: v.optional(str()),
});

export type MigrationFile = v.InferOutput<typeof MigrationSchema>;
export interface MigrationConfig extends MigrationFile {
  /** Absolute path of migration.yaml. */
  path: string;
  workDir: string;
  secretsFile: string;
  /** Every secret value in the file, for redaction. */
  secretValues: string[];
  warnings: string[];
}

export function parseMigration(text: string, path: string, env: Env, cwd: string): MigrationConfig {
  const parsed = parseYaml(text, path);
  if (parsed.errors.length > 0) throw configError(parsed.errors, path);
  if (!isPlainMap(parsed.value)) throw configError([`${path}:1:1: migration.yaml must be a mapping with gitea:, github:, org: and repos:`], path);
  const expanded = expandTree(parsed.value, parsed.positions, env, isSwitch);
  if (expanded.problems.length > 0) throw configError(expanded.problems.map((p) => p.message), path);
  const report = new Report(parsed.positions);
  report.warnings.push(...parsed.warnings);
  warnUnknownKeys(MigrationSchema, expanded.value, report);
  const result = v.safeParse(MigrationSchema, expanded.value, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const p: Path = (issue.path ?? []).map((i) => i.key as string | number);
      report.error(p, `${p.length ? formatPath(p) : "migration.yaml"} ${issue.message}`);
    }
    report.throwIfErrors();
  }
  const raw = result.output as MigrationFile;
  for (const side of ["gitea", "backup"] as const) {
    const s = raw[side];
    if (s && !s.token && !s.admin_password) {
      report.error([side], `${side} needs a token, or admin_password so phase ${side === "gitea" ? 1 : 2} can create one`);
    }
  }
  const seen = new Set<string>();
  raw.repos.forEach((r, i) => {
    if (seen.has(r.toLowerCase())) report.error(["repos", i], `repos[${i}] lists "${r}" twice`);
    seen.add(r.toLowerCase());
  });
  report.throwIfErrors();
  const base = dirname(resolve(cwd, path));
  const workDir = resolve(cwd, env.WORK_DIR || raw.work_dir || "./data");
  return {
    ...raw,
    path: resolve(cwd, path),
    workDir,
    secretsFile: raw.secrets.file ? resolve(base, raw.secrets.file) : resolve(workDir, "migration.secrets.json"),
    secretValues: [raw.gitea.token, raw.gitea.admin_password, raw.backup?.token, raw.backup?.admin_password, raw.github.token]
      .filter((s): s is string => !!s),
    warnings: report.warnings,
  };
}

export async function readMigration(path: string, env: Env, cwd: string): Promise<MigrationConfig> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigError(
      code === "ENOENT" ? `migration file not found: ${path} (pass --config migration.yaml)` : `cannot read ${path}: ${(err as Error).message}`,
    );
  }
  return parseMigration(text, path, env, cwd);
}
