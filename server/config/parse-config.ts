// The pure core: config text + env → Config, or one ConfigError listing every problem with its
// file:line:col. Phases: YAML syntax → ${VAR} expansion → shape (valibot) → cross-field rules.
import { resolve } from "node:path";
import { cwd as processCwd } from "node:process";
import * as v from "valibot";
import { buildConfig } from "./build-config.ts";
import { expandTree } from "./expand-env.ts";
import type { Env } from "./expand-env.ts";
import { formatPath, isPlainMap, parseYaml } from "./positions.ts";
import type { Path, PlainMap, Positions } from "./positions.ts";
import { configError, Report } from "./report.ts";
import { showReferences } from "./show-references.ts";
import { ConfigError } from "../errors.ts";
import { ConfigSchema } from "./schema.ts";
import type { Config } from "./types.ts";
import { warnUnknownKeys } from "./unknown-keys.ts";

export interface ParseOptions {
  /** Resolves a relative config path and work_dir; defaults to the process's working directory. */
  cwd?: string;
}

/**
 * @param path used as given in messages (`config.yaml:12:16: …`); `config.path` is its absolute form.
 * @param env the environment `${VAR}` references and overrides (PORT, WORK_DIR, …) are read from.
 */
export function parseConfig(text: string, path: string, env: Env, options: ParseOptions = {}): Config {
  const cwd = options.cwd ?? processCwd();
  const parsed = parseYaml(text, path);
  if (parsed.errors.length > 0) throw configError(parsed.errors, path);
  if (parsed.value === undefined) {
    throw configError([`${path}:1:1: the config is empty; it needs at least providers: and repos:`], path);
  }
  if (!isPlainMap(parsed.value)) {
    throw configError([
      `${
        parsed.positions.where([])
      }: the config must be a mapping with providers:, repos:, … at the top level`,
    ], path);
  }

  const expanded = expandTree(parsed.value, parsed.positions, env);
  if (expanded.problems.length > 0) {
    const variables = [...new Set(expanded.problems.flatMap((p) => p.variables))];
    throw configError(expanded.problems.map((p) => p.message), path, { variables });
  }

  try {
    const config = checkAndBuild(expanded.value, parsed.positions, parsed.warnings, path, env, cwd);
    config.warnings = config.warnings.map((w) => showReferences(w, expanded.substitutions));
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = ((err.data.errors as string[] | undefined) ?? [err.message]).map((l) => showReferences(l, expanded.substitutions));
    const warnings = (err.data.warnings as string[] | undefined)?.map((w) => showReferences(w, expanded.substitutions));
    throw configError(lines, path, { ...err.data, errors: lines, ...(warnings ? { warnings } : {}) });
  }
}

/** Shape and cross-field rules on the expanded tree. Messages may still hold expanded values. */
function checkAndBuild(value: PlainMap, positions: Positions, yamlWarnings: string[], path: string, env: Env, cwd: string): Config {
  const report = new Report(positions);
  report.warnings.push(...yamlWarnings);
  warnUnknownKeys(ConfigSchema, value, report);
  const result = v.safeParse(ConfigSchema, value, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const issuePath: Path = (issue.path ?? []).map((item) => item.key as string | number);
      const name = issuePath.length === 0 ? "the config" : formatPath(issuePath);
      report.error(issuePath, `${name} ${issue.message}`);
    }
    report.throwIfErrors({ warnings: report.warnings });
  }

  const config = buildConfig(result.output as v.InferOutput<typeof ConfigSchema>, {
    path: resolve(cwd, path),
    env,
    cwd,
  }, report);
  report.throwIfErrors({ warnings: report.warnings });
  config.warnings = report.warnings;
  return config;
}
