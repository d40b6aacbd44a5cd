// The arguments the shim (and the foreground, for its worker) pass to hooks/post-receive.ts. Every
// one is a single `--gb-<name>=<value>` word: runtimes read some flags even after the script name
// (Node 20 reads `--env-file` anywhere in argv and exits 9 when the file is missing, an empty name
// included), and no node, deno or bun flag starts with `--gb-`. The `=` form keeps a value that
// looks like a flag (a path named `--env-file`) inside our own word. Pure.
import { parseArgs } from "node:util";
import type { HookMode, HookSide } from "./protocol.ts";

export interface HookArgs {
  config: string;
  repo: string;
  mode: HookMode;
  side: HookSide;
  workDir: string;
  /** "" for none. */
  envFile: string;
}

export interface ParsedHookArgs {
  args: HookArgs;
  worker: boolean;
  id?: string;
}

export const ARG_PREFIX = "--gb-";

export function hookArgv(a: HookArgs): string[] {
  const out = [`--gb-config=${a.config}`, `--gb-repo=${a.repo}`, `--gb-mode=${a.mode}`, `--gb-side=${a.side}`, `--gb-work-dir=${a.workDir}`];
  if (a.envFile !== "") out.push(`--gb-env-file=${a.envFile}`);
  return out;
}

export function workerArgv(a: HookArgs, id: string): string[] {
  return [...hookArgv(a), "--gb-worker", `--gb-id=${id}`];
}

export function parseHookArgs(argv: string[]): ParsedHookArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      "gb-config": { type: "string" },
      "gb-repo": { type: "string" },
      "gb-mode": { type: "string" },
      "gb-side": { type: "string" },
      "gb-work-dir": { type: "string" },
      "gb-env-file": { type: "string" },
      "gb-worker": { type: "boolean" },
      "gb-id": { type: "string" },
    },
    strict: true,
  });
  const need = (k: keyof typeof values) => {
    const v = values[k];
    if (typeof v !== "string" || v === "") throw new Error(`--${k} is required`);
    return v;
  };
  const mode = need("gb-mode");
  const side = need("gb-side");
  if (mode !== "push" && mode !== "notify") throw new Error("--gb-mode must be push or notify");
  if (side !== "source" && side !== "target") throw new Error("--gb-side must be source or target");
  const id = values["gb-id"] as string | undefined;
  if (id !== undefined && !/^[\w.-]{1,128}$/.test(id)) throw new Error("--gb-id is malformed");
  return {
    args: {
      config: need("gb-config"),
      repo: need("gb-repo"),
      mode,
      side,
      workDir: need("gb-work-dir"),
      envFile: (values["gb-env-file"] as string | undefined) ?? "",
    },
    worker: values["gb-worker"] === true,
    id,
  };
}
