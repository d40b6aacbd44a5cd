// git-bridge hooks install|uninstall|status|drain: the server-side post-receive hook.
import { pushDirection } from "../../server/config/direction.ts";
import { systemResolveHost } from "../../server/mirror/remote-policy.ts";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parse } from "./args.ts";
import { UsageError } from "../../server/errors.ts";
import { findRepo } from "../../server/config/find-repo.ts";
import type { Config } from "../../server/config/types.ts";
import { createLogger } from "../../server/log.ts";
import { hasGit, selectEngine } from "../../server/mirror/git/select-engine.ts";
import { redactor } from "../../server/mirror/redact.ts";
import { hookSubmit } from "../../hooks/deliver.ts";
import { loadEnvFile } from "../../hooks/env-file.ts";
import { assertBareRepo, availableRuntimes, findInstalled, installHook, uninstallHook } from "../../hooks/install.ts";
import type { RuntimeChoice } from "../../hooks/shim.ts";
import { drainSpool, listSpool } from "../../hooks/spool.ts";
import type { CliIo } from "./io.ts";
import { loadFor } from "./load.ts";

const SUBCOMMANDS = "install, uninstall, status, drain";

export function hooksCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "install":
      return install(rest, io);
    case "uninstall":
      return uninstall(rest, io);
    case "status":
      return status(rest, io);
    case "drain":
      return drain(rest, io);
    default:
      throw new UsageError(`unknown hooks subcommand ${JSON.stringify(sub ?? "")}; try one of: ${SUBCOMMANDS}`);
  }
}

function oneRepoDir(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`hooks ${what} needs exactly one bare repository directory`);
  return positionals[0];
}

// The variables file is `--secrets-file`. `--env-file` is still accepted, but Node 20 reads that
// flag anywhere in argv, even after the script, and exits 9 before git-bridge runs when the file
// is missing: the new name never collides with a runtime's own flags.
const SECRETS_FILE_FLAGS = { "secrets-file": { type: "string" }, "env-file": { type: "string" } } as const;
const secretsFileOf = (io: CliIo, values: Record<string, unknown>): string | undefined => {
  const v = (values["secrets-file"] ?? values["env-file"]) as string | undefined;
  return v ? resolve(io.cwd, v) : undefined;
};

/** The config as the hook will load it: the secrets file fills in what this environment lacks. */
async function loadWithEnvFile(io: CliIo, configFlag: string | undefined, envFile: string | undefined): Promise<Config> {
  const fileEnv = envFile ? await loadEnvFile(envFile).catch((e: Error) => { throw new UsageError(`cannot read --secrets-file: ${e.message}`); }) : {};
  return loadFor({ ...io, env: { ...fileEnv, ...io.env } }, configFlag);
}

async function install(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    repo: { type: "string" },
    mode: { type: "string" },
    side: { type: "string" },
    runtime: { type: "string" },
    ...SECRETS_FILE_FLAGS,
    "work-dir": { type: "string" },
    config: { type: "string" },
  });
  const repoDir = resolve(io.cwd, oneRepoDir(positionals, "install"));
  const mode = (values.mode as string | undefined) ?? "push";
  const side = (values.side as string | undefined) ?? "source";
  const runtime = (values.runtime as string | undefined) ?? "auto";
  if (typeof values.repo !== "string" || values.repo === "") throw new UsageError("hooks install needs --repo <name> (the repo's name in config.yaml)");
  if (mode !== "push" && mode !== "notify") throw new UsageError(`--mode must be push or notify (got ${JSON.stringify(mode)})`);
  if (side !== "source" && side !== "target") throw new UsageError(`--side must be source or target (got ${JSON.stringify(side)})`);
  if (!["auto", "node", "deno", "bun"].includes(runtime)) throw new UsageError(`--runtime must be auto, node, deno or bun (got ${JSON.stringify(runtime)})`);
  const envFile = secretsFileOf(io, values) ?? "";

  const config = await loadWithEnvFile(io, values.config as string | undefined, envFile || undefined);
  const repo = findRepo(config, values.repo);
  const resolved = pushDirection(repo, side);
  if ("error" in resolved) throw new UsageError(resolved.error);
  if (mode === "notify" && (!config.hooks.secret || !config.hooks.serverUrl)) {
    throw new UsageError("notify mode needs hooks.secret and hooks.server_url in the config (the hook signs with the secret and sends to the server)");
  }
  const workDir = values["work-dir"] ? resolve(io.cwd, values["work-dir"] as string) : config.workDir;

  const report = await installHook(repoDir, {
    config: config.path,
    repo: repo.name,
    mode,
    side,
    workDir,
    envFile,
    runtime: runtime as RuntimeChoice,
  });
  const to = resolved.direction === "source-to-target" ? repo.target : repo.source;
  io.stdout(`installed ${report.path} (${report.layout} layout): pushes to ${repo.name}'s ${side} side are ${mode === "push" ? `mirrored to ${to}` : `sent to ${config.hooks.serverUrl}`}\n`);
  for (const r of report.removed) io.stdout(`  removed an older install at ${r}\n`);
  if (report.chained) {
    io.stdout(`  ${report.movedExisting ? "the existing post-receive was moved to" : "still chained:"} ${report.chained}; it still runs on every push, and uninstall puts it back\n`);
  }
  const found = await availableRuntimes(io.env.PATH ?? "");
  if (found.length === 0) io.stderr("warning: no node, deno or bun found here; the hook needs one of them on the git server\n");
  else io.stdout(`  runtime: ${runtime === "auto" ? found[0].name : runtime} (found: ${found.map((f) => f.name).join(", ")})\n`);
  if (runtime !== "auto" && !found.some((f) => f.name === runtime)) io.stderr(`warning: ${runtime} was not found here; the hook will not run unless the git server has it\n`);
  if (envFile) {
    const s = await stat(envFile).catch(() => undefined);
    if (s && (s.mode & 0o077) !== 0) io.stderr(`warning: ${envFile} is readable by other users; it holds credentials: chmod 600 it\n`);
  }
  return 0;
}

async function uninstall(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parse(args, { config: { type: "string" } });
  const report = await uninstallHook(resolve(io.cwd, oneRepoDir(positionals, "uninstall")));
  if (report.removed.length === 0) io.stdout("no git-bridge hook installed; nothing to do\n");
  for (const r of report.removed) {
    io.stdout(`removed ${r}${report.restored.includes(r) ? " and put back the hook it chained" : ""}\n`);
  }
  return 0;
}

/** Exit 0 when a hook is installed, 3 when none is. */
async function status(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, config: { type: "string" } });
  const repoDir = resolve(io.cwd, oneRepoDir(positionals, "status"));
  const installed = await findInstalled(await assertBareRepo(repoDir));
  const runtimes = await availableRuntimes(io.env.PATH ?? "");
  const hooks = await Promise.all(installed.map(async (h) => {
    const pending = (await listSpool(h.settings.workDir)).filter((e) => e.repo === h.settings.repo);
    return { ...h, pending: pending.length, last_error: pending.at(-1)?.last_error };
  }));
  if (values.json) {
    io.stdout(`${JSON.stringify({ installed: hooks.length > 0, hooks, runtimes })}\n`);
  } else if (hooks.length === 0) {
    io.stdout(`no git-bridge hook installed in ${repoDir}\n`);
  } else {
    for (const h of hooks) {
      const s = h.settings;
      io.stdout(`${h.path} (${h.layout} layout): repo ${s.repo}, ${s.mode} mode, ${s.side} side, runtime ${s.runtime}\n`);
      io.stdout(`  config ${s.config}, WORK_DIR ${s.workDir}${s.envFile ? `, env file ${s.envFile}` : ""}\n`);
      if (h.chained) io.stdout(`  chained: ${h.chained} runs too\n`);
      io.stdout(`  spooled pushes waiting: ${h.pending}${h.last_error ? ` (last error: ${h.last_error})` : ""}\n`);
    }
    io.stdout(`runtimes found: ${runtimes.map((r) => `${r.name} ${r.path}`).join(", ") || "none"}\n`);
  }
  return hooks.length > 0 ? 0 : 3;
}

/** Delivers what hooks spooled (e.g. from cron while a target was down). 0 when nothing is left. */
async function drain(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: "string" }, ...SECRETS_FILE_FLAGS, json: { type: "boolean" } });
  if (positionals.length !== 0) throw new UsageError("hooks drain takes no arguments");
  const envFile = secretsFileOf(io, values);
  const config = await loadWithEnvFile(io, values.config as string | undefined, envFile);
  const redact = redactor(config.secrets);
  const log = createLogger(io.stderr, redact);
  const submit = hookSubmit({
    config,
    git: await selectEngine(config.git.engine, hasGit, io.env),
    resolveHost: systemResolveHost,
    fetch,
    redact,
    log,
  });
  const summary = await drainSpool(config.workDir, submit, {
    onOutcome: (entry, outcome) => {
      if (!values.json) for (const l of outcome.status === "skip" ? [] : outcome.lines ?? []) io.stdout(`${entry.id} ${entry.repo}: ${l.replace(/^git-bridge: /, "")}\n`);
    },
  });
  if (values.json) io.stdout(`${JSON.stringify(summary)}\n`);
  else io.stdout(`${summary.delivered.length} delivered, ${summary.retained.length} still spooled, ${summary.failed.length} given up\n`);
  return summary.retained.length + summary.failed.length === 0 ? 0 : 1;
}
