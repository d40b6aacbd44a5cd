// The installed hook: a small POSIX shell script that finds a JavaScript runtime and hands the
// push to hooks/post-receive.ts. Every value is baked in single-quoted (the one quoting sh has no
// escapes inside), and nothing secret is: credentials stay in the config and the env file. Pure.
import type { HookMode, HookSide } from "./protocol.ts";

export const SHIM_MARKER = "# git-bridge post-receive hook (shim v1)";
const SETTINGS_PREFIX = "# git-bridge-settings: ";
/** Where an existing post-receive goes while ours is installed (next to it, so it moves with the repo). */
export const CHAINED_NAME = "post-receive.git-bridge-chained";

export const RUNTIMES = ["node", "deno", "bun"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];
export type RuntimeChoice = RuntimeName | "auto";

export interface ShimSettings {
  /** The git-bridge checkout the hook runs from (its node_modules/.bin is searched too). */
  checkout: string;
  /** Absolute path of hooks/post-receive.ts. */
  entry: string;
  /** file: URL of tsx's loader, for `node --import`. */
  tsxImport: string;
  /** deno.json of the checkout (npm packages resolve from its node_modules). */
  denoConfig: string;
  config: string;
  repo: string;
  mode: HookMode;
  side: HookSide;
  workDir: string;
  /** KEY=VALUE file the hook loads the config's ${VARS} from; "" for none. */
  envFile: string;
  /** Default runtime; GIT_BRIDGE_RUNTIME in the hook's environment overrides it. */
  runtime: RuntimeChoice;
  /** The chained hook's file name next to the shim, or "" when nothing is chained. */
  chained: string;
}

/** POSIX single quotes: everything literal, a `'` is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL byte cannot be written into a shell script");
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export const DENO_FLAGS = ["run", "--allow-all", "--quiet", "--no-lock", "--config"] as const;

export function renderShim(s: ShimSettings): string {
  if (!(RUNTIMES as readonly string[]).includes(s.runtime) && s.runtime !== "auto") throw new Error(`unknown runtime ${s.runtime}`);
  const q = shellQuote;
  // JSON.stringify escapes every control character, so this stays one comment line whatever the paths hold.
  const settings = JSON.stringify({ repo: s.repo, mode: s.mode, side: s.side, config: s.config, workDir: s.workDir, envFile: s.envFile, runtime: s.runtime, chained: s.chained, checkout: s.checkout });
  return `#!/bin/sh
${SHIM_MARKER}
# Installed by \`git-bridge hooks install\`; \`git-bridge hooks uninstall <repo dir>\` removes it and
# puts back the hook it chained. It mirrors the refs of each push and never fails or holds up the
# push for more than about 2 s: after that the work continues in the background.
# Runtime: node (with tsx), deno or bun, whichever is found first in PATH or the checkout's
# node_modules/.bin; GIT_BRIDGE_RUNTIME=node|deno|bun forces one. No secrets in this file.
${SETTINGS_PREFIX}${settings}
GB_CHECKOUT=${q(s.checkout)}
GB_ENTRY=${q(s.entry)}
GB_TSX=${q(s.tsxImport)}
GB_DENO_CONFIG=${q(s.denoConfig)}
GB_CONFIG=${q(s.config)}
GB_REPO=${q(s.repo)}
GB_MODE=${q(s.mode)}
GB_SIDE=${q(s.side)}
GB_WORK_DIR=${q(s.workDir)}
GB_ENV_FILE=${q(s.envFile)}
GB_CHAINED=${q(s.chained)}
GB_RUNTIME=\${GIT_BRIDGE_RUNTIME:-${s.runtime}}

case $0 in */*) gb_here=\${0%/*} ;; *) gb_here=. ;; esac

gb_find() {
  gb_path=$(command -v "$1" 2>/dev/null) && [ -n "$gb_path" ] && { printf '%s\\n' "$gb_path"; return 0; }
  [ -x "$GB_CHECKOUT/node_modules/.bin/$1" ] && { printf '%s\\n' "$GB_CHECKOUT/node_modules/.bin/$1"; return 0; }
  return 1
}

gb_run() {
  case $GB_RUNTIME in node|deno|bun) gb_order=$GB_RUNTIME ;; *) gb_order='node deno bun' ;; esac
  for gb_rt in $gb_order; do
    gb_exe=$(gb_find "$gb_rt") || continue
    case $gb_rt in
      node) exec "$gb_exe" --import "$GB_TSX" "$GB_ENTRY" "$@" ;;
      deno) exec "$gb_exe" ${DENO_FLAGS.join(" ")} "$GB_DENO_CONFIG" "$GB_ENTRY" "$@" ;;
      bun) exec "$gb_exe" "$GB_ENTRY" "$@" ;;
    esac
  done
  echo "git-bridge: found no $gb_order to run the mirror hook with; this push was not mirrored" >&2
}

# git passes the ref updates once, on stdin; both hooks get the same bytes.
gb_input=$(cat; echo .)
gb_input=\${gb_input%.}

printf '%s' "$gb_input" | gb_run --config "$GB_CONFIG" --repo "$GB_REPO" --mode "$GB_MODE" --side "$GB_SIDE" --work-dir "$GB_WORK_DIR" --env-file "$GB_ENV_FILE" &
gb_pid=$!

# The hook that was here before still runs, with the same stdin and arguments, and its exit
# status is this script's.
gb_status=0
if [ -n "$GB_CHAINED" ] && [ -f "$gb_here/$GB_CHAINED" ]; then
  if [ -x "$gb_here/$GB_CHAINED" ]; then
    printf '%s' "$gb_input" | "$gb_here/$GB_CHAINED" "$@"
    gb_status=$?
  else
    echo "hint: the chained post-receive hook was ignored because it is not executable" >&2
  fi
fi
wait "$gb_pid" 2>/dev/null
exit $gb_status
`;
}

export function isShim(text: string): boolean {
  return text.startsWith("#!/bin/sh\n") && text.includes(`\n${SHIM_MARKER}\n`);
}

export type InstalledSettings = Pick<ShimSettings, "repo" | "mode" | "side" | "config" | "workDir" | "envFile" | "runtime" | "chained" | "checkout">;

/** The settings of an installed shim, from its one-line JSON comment; undefined if it is not ours. */
export function readShimSettings(text: string): InstalledSettings | undefined {
  if (!isShim(text)) return undefined;
  const line = text.split("\n").find((l) => l.startsWith(SETTINGS_PREFIX));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(SETTINGS_PREFIX.length)) as InstalledSettings;
  } catch {
    return undefined;
  }
}
