// `${NAME}` expansion in string values, done on the parsed tree (not the raw text, as the Go
// bridge did) so a value can never change the YAML structure and every problem keeps its position.
import { formatPath, isPlainMap } from "./positions.ts";
import type { Path, Plain, PlainMap, Positions } from "./positions.ts";

export type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Expansion {
  value: string;
  /** `[NAME, value]` of each reference that was replaced by a value. */
  used: Array<[string, string]>;
  /** Referenced variables that are unset or empty, in order of first use. */
  missing: string[];
  /** Set when a `${` does not start a well-formed `${NAME}` reference. */
  malformed?: string;
}

/** Expands `${NAME}`; a `$` not followed by `{` stays literal (tokens may contain `$`). */
export function expandString(input: string, env: Env): Expansion {
  let out = "";
  const missing: string[] = [];
  const used: Array<[string, string]> = [];
  let i = 0;
  for (;;) {
    const start = input.indexOf("${", i);
    if (start < 0) break;
    out += input.slice(i, start);
    const end = input.indexOf("}", start + 2);
    const name = end < 0 ? "" : input.slice(start + 2, end);
    if (end < 0 || !NAME.test(name)) {
      const bad = end < 0 ? input.slice(start, start + 20) : input.slice(start, end + 1);
      return { value: input, used, missing, malformed: bad };
    }
    const val = env[name];
    if (val === undefined || val === "") {
      if (!missing.includes(name)) missing.push(name);
    } else {
      out += val;
      used.push([name, val]);
    }
    i = end + 1;
  }
  return { value: out + input.slice(i), used, missing };
}

/**
 * "Switch" settings: referencing an unset or empty variable turns the feature off (the value
 * becomes undefined) instead of failing, because that is how the Go bridge is deployed — e.g.
 * an unset WEBHOOK_GITHUB_SECRET means "skip verification", an unset RETRY_API_TOKEN "no retry API".
 * `consumer.queue_url` is one too: the legacy single consumer only runs when its queue_url is set.
 */
const SWITCHES: readonly (readonly string[])[] = [
  ["webhook", "gitlab_secret"],
  ["webhook", "github_secret"],
  ["webhook", "gitea_secret"],
  ["retry", "api_token"],
  ["notification", "slack", "webhook_url"],
  ["notification", "slack", "channel"],
  ["notification", "slack", "bot_token"],
  ["repos", "*", "slack_webhook_url"],
  ["hooks", "secret"],
  ["consumer", "queue_url"],
  ["status", "token"],
  ["slack", "bot_token"],
  ["slack", "signing_secret"],
  ["slack", "app_token"],
  ["slack", "approvals_channel"],
];

export function isSwitchSetting(path: Path): boolean {
  return SWITCHES.some(
    (s) => s.length === path.length && s.every((seg, i) => seg === "*" || seg === path[i]),
  );
}

export interface EnvProblem {
  path: Path;
  message: string;
  variables: string[];
}

export interface ExpandResult {
  value: PlainMap;
  problems: EnvProblem[];
  /** `[NAME, value]` of every reference expanded, so messages can show `${NAME}` instead. */
  substitutions: Array<[string, string]>;
}

/**
 * Expands every string value of the tree (mapping keys are refused earlier, in positions.ts).
 * `isSwitch` names the settings an unset variable turns off (migration.yaml has its own).
 */
export function expandTree(root: PlainMap, positions: Positions, env: Env, isSwitch: (path: Path) => boolean = isSwitchSetting): ExpandResult {
  const problems: EnvProblem[] = [];
  const substitutions: Array<[string, string]> = [];
  const visit = (value: Plain, path: Path): Plain | undefined => {
    if (typeof value === "string") return expandValue(value, path);
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]) ?? null);
    if (isPlainMap(value)) {
      const out = Object.create(null) as PlainMap;
      for (const [k, v] of Object.entries(value)) {
        const next = visit(v, [...path, k]);
        if (next !== undefined) out[k] = next;
      }
      return out;
    }
    return value;
  };
  const expandValue = (value: string, path: Path): string | undefined => {
    if (!value.includes("${")) return value;
    const where = positions.where(path);
    const name = formatPath(path);
    const ex = expandString(value, env);
    substitutions.push(...ex.used);
    if (ex.malformed !== undefined) {
      problems.push({
        path,
        variables: [],
        message: `${where}: ${name} contains "${ex.malformed}", which is not a \${NAME} reference ` +
          `(NAME is letters, digits and _, not starting with a digit, closed by "}"). Fix the reference; ` +
          `a literal "\${" cannot be written in config values.`,
      });
      return undefined;
    }
    if (ex.missing.length === 0) return ex.value;
    if (isSwitch(path)) return undefined;
    const refs = ex.missing.map((n) => `\${${n}}`).join(", ");
    const which = ex.missing.length === 1 ? "which is unset or empty" : "which are unset or empty";
    problems.push({
      path,
      variables: ex.missing,
      message: `${where}: ${name} references ${refs}, ${which}. Set ${ex.missing.join(" and ")} or ${
        remedy(path)
      }.`,
    });
    return undefined;
  };
  const value = (visit(root, []) ?? Object.create(null)) as PlainMap;

  // The legacy `consumer:` block is off when its queue_url is unset; then nothing else in it counts.
  const legacy = value.consumer;
  if (isPlainMap(legacy) && (legacy.queue_url === undefined || legacy.queue_url === "")) {
    delete value.consumer;
    return { value, problems: problems.filter((p) => p.path[0] !== "consumer"), substitutions };
  }
  return { value, problems, substitutions };
}

function remedy(path: Path): string {
  switch (path[0]) {
    case "providers":
      return "remove the provider";
    case "repos":
      return "remove the repo";
    case "consumers":
    case "consumer":
      return "remove the consumer";
    default:
      return `remove ${formatPath(path)}`;
  }
}
