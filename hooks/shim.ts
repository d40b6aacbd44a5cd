// The installed hook: a small POSIX shell script that finds a JavaScript runtime and hands the
// push to hooks/post-receive.ts. Every value is baked in single-quoted (the one quoting sh has no
// escapes inside), and nothing secret is: credentials stay in the config and the env file. Pure.
import type { HookMode, HookSide } from "./protocol.ts";

export const SHIM_MARKER = "# git-bridge post-receive hook (shim v2)";
/** Shims this version still recognises (to uninstall or reinstall over them). */
const SHIM_MARKERS = [SHIM_MARKER, "# git-bridge post-receive hook (shim v1)"];
const SETTINGS_PREFIX = "# git-bridge-settings: ";
/** Where an existing post-receive goes while ours is installed (next to it, so it moves with the repo). */
export const CHAINED_NAME = "post-receive.git-bridge-chained";
/** The shim's own spool files, `<id>.refs` in WORK_DIR/spool: a header line, then git's lines (see spool-raw.ts). */
export const RAW_SPOOL_SUFFIX = ".refs";
/** The first line of a shim-written spool file. */
export const RAW_SPOOL_MAGIC = "git-bridge-raw-spool v1";
/** The runtime's output when it failed before spooling, kept for the operator (last failure only). */
export const RUNTIME_ERROR_LOG = "runtime-error.log";

export const RUNTIMES = ["node", "deno", "bun"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];
export type RuntimeChoice = RuntimeName | "auto";

export interface ShimSettings {
  /** The git-bridge checkout the hook runs from (its node_modules/.bin is searched too). */
  checkout: string;
  /** Absolute path of hooks/post-receive.ts (deno and bun run it as it is). */
  entry: string;
  /** Absolute path of the Node entry (hooks/node-entry.mjs: the prebuilt bundle, or tsx if it is stale). */
  nodeEntry: string;
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
  const spoolHead = `${RAW_SPOOL_MAGIC} ${JSON.stringify({ repo: s.repo, side: s.side, mode: s.mode, config: s.config })}`;
  return `#!/bin/sh
${SHIM_MARKER}
# Installed by \`git-bridge hooks install\`; \`git-bridge hooks uninstall <repo dir>\` removes it and
# puts back the hook it chained. It mirrors the refs of each push and never fails or holds up the
# push for more than about 2 s: after that the work continues in the background.
# Runtime: node, deno or bun, whichever is found first in PATH or the checkout's node_modules/.bin;
# GIT_BRIDGE_RUNTIME=node|deno|bun forces one. If none can run, or it fails before the push is in
# the spool, this script spools git's ref lines itself: the next push, \`git-bridge hooks drain\`
# or the bridge server delivers them. No secrets in this file.
${SETTINGS_PREFIX}${settings}
GB_CHECKOUT=${q(s.checkout)}
GB_ENTRY=${q(s.entry)}
GB_NODE_ENTRY=${q(s.nodeEntry)}
GB_DENO_CONFIG=${q(s.denoConfig)}
GB_CONFIG=${q(s.config)}
GB_REPO=${q(s.repo)}
GB_MODE=${q(s.mode)}
GB_SIDE=${q(s.side)}
GB_WORK_DIR=${q(s.workDir)}
GB_ENV_FILE=${q(s.envFile)}
GB_CHAINED=${q(s.chained)}
GB_SPOOL_HEAD=${q(spoolHead)}
GB_RUNTIME=\${GIT_BRIDGE_RUNTIME:-${s.runtime}}

case $0 in */*) gb_here=\${0%/*} ;; *) gb_here=. ;; esac
case $GB_RUNTIME in node|deno|bun) gb_order=$GB_RUNTIME ;; *) gb_order='node deno bun' ;; esac

gb_find() {
  gb_path=$(command -v "$1" 2>/dev/null) && [ -n "$gb_path" ] && { printf '%s\\n' "$gb_path"; return 0; }
  [ -x "$GB_CHECKOUT/node_modules/.bin/$1" ] && { printf '%s\\n' "$GB_CHECKOUT/node_modules/.bin/$1"; return 0; }
  return 1
}

# Every argument is one --gb-NAME=VALUE word: no runtime reads those (see hooks/hook-args.ts).
gb_run() {
  for gb_rt in $gb_order; do
    gb_exe=$(gb_find "$gb_rt") || continue
    case $gb_rt in
      node) exec "$gb_exe" "$GB_NODE_ENTRY" "$@" ;;
      deno) exec "$gb_exe" ${DENO_FLAGS.join(" ")} "$GB_DENO_CONFIG" "$GB_ENTRY" "$@" ;;
      bun) exec "$gb_exe" "$GB_ENTRY" "$@" ;;
    esac
  done
  echo "git-bridge: found no $gb_order to run the mirror hook with" >&2
  exit 127
}

# The shim's own spool file: written to a temp name, then renamed, so a drainer never reads half.
gb_spool() {
  gb_sdir="$GB_WORK_DIR/spool"
  gb_id="$(date -u +%Y%m%dT%H%M%S 2>/dev/null)000Z-sh$$"
  (
    umask 077
    mkdir -p "$gb_sdir" &&
      { printf '%s\\n' "$GB_SPOOL_HEAD" && printf '%s' "$gb_input"; } >"$gb_sdir/$gb_id${RAW_SPOOL_SUFFIX}.tmp" &&
      mv -f "$gb_sdir/$gb_id${RAW_SPOOL_SUFFIX}.tmp" "$gb_sdir/$gb_id${RAW_SPOOL_SUFFIX}"
  ) 2>/dev/null
}

# git passes the ref updates once, on stdin; both hooks get the same bytes.
gb_input=$(cat; echo .)
gb_input=\${gb_input%.}

# The runtime's output is held back until it is done: on success the pusher sees it as it is; on
# a failure before spooling, it goes to WORK_DIR/hooks/${RUNTIME_ERROR_LOG} and the pusher sees one line.
gb_out="$GB_WORK_DIR/hooks/run-$$.out"
(umask 077; mkdir -p "$GB_WORK_DIR/hooks") 2>/dev/null
( : >"$gb_out" ) 2>/dev/null || gb_out=/dev/null

if [ -n "$GB_ENV_FILE" ]; then set -- "--gb-env-file=$GB_ENV_FILE"; else set --; fi
printf '%s' "$gb_input" | gb_run "--gb-config=$GB_CONFIG" "--gb-repo=$GB_REPO" "--gb-mode=$GB_MODE" "--gb-side=$GB_SIDE" "--gb-work-dir=$GB_WORK_DIR" "$@" >"$gb_out" 2>&1 &
gb_pid=$!

# The hook that was here before still runs, with the same stdin and no arguments (git passes a
# post-receive none), and its exit status is this script's.
gb_status=0
if [ -n "$GB_CHAINED" ] && [ -f "$gb_here/$GB_CHAINED" ]; then
  if [ -x "$gb_here/$GB_CHAINED" ]; then
    printf '%s' "$gb_input" | "$gb_here/$GB_CHAINED"
    gb_status=$?
  else
    echo "hint: the chained post-receive hook was ignored because it is not executable" >&2
  fi
fi
wait "$gb_pid" 2>/dev/null
gb_rt_status=$?

if [ "$gb_rt_status" -eq 0 ]; then
  [ "$gb_out" = /dev/null ] || cat "$gb_out" >&2
elif [ -z "$gb_input" ]; then
  :
else
  [ "$gb_out" = /dev/null ] || cp "$gb_out" "$GB_WORK_DIR/hooks/${RUNTIME_ERROR_LOG}" 2>/dev/null
  if [ "$gb_rt_status" -eq 127 ]; then gb_why="found no $gb_order to run it with"; else gb_why="its runtime failed (exit $gb_rt_status, see $GB_WORK_DIR/hooks/${RUNTIME_ERROR_LOG})"; fi
  if gb_spool; then
    echo "git-bridge: queued: the mirror hook could not run: $gb_why; the push is spooled for the next push, git-bridge hooks drain or the bridge server" >&2
  else
    echo "git-bridge: NOT mirrored: the mirror hook could not run: $gb_why, and the push could not be spooled in $GB_WORK_DIR/spool" >&2
  fi
fi
[ "$gb_out" = /dev/null ] || rm -f "$gb_out"
exit $gb_status
`;
}

export function isShim(text: string): boolean {
  return text.startsWith("#!/bin/sh\n") && SHIM_MARKERS.some((m) => text.includes(`\n${m}\n`));
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
