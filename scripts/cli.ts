// git-bridge command line. Exit codes: 0 done; 3 finished but a ref diverged or was rejected;
// 1 the work failed (unreachable, auth, timeout); 2 usage or configuration error.
import { BridgeError, ConfigError, UsageError } from "../server/errors.ts";
import { redact } from "../server/mirror/redact.ts";
import { readLine } from "./commands/read-line.ts";
import type { CliIo } from "./commands/io.ts";

const USAGE = `usage: git-bridge <command> [options]

  sync <repo> [--direction source-to-target|target-to-source|auto] [--ref <full ref>] [--json]
  status <repo>|--all [--json]
  reconcile <repo>|--all [--json]
  config check
  hooks install <bare-repo-dir> --repo <name> [--mode push|notify] [--side source|target]
        [--runtime auto|node|deno|bun] [--secrets-file PATH] [--work-dir PATH]
  hooks uninstall <bare-repo-dir>
  hooks status <bare-repo-dir> [--json]
  hooks drain [--secrets-file PATH] [--json]
  migrate plan|run|check|teardown [preflight|1..9|all] [--config migration.yaml] [--yes] [--json]
  migrate status [--config migration.yaml] [--json]
  serve

Every command takes --config PATH (or CONFIG_PATH).`;

export type Command = (args: string[], io: CliIo) => Promise<number>;

// Each command's modules load only when it runs: start-up is paid per call (a hook, a cron job),
// and `--help` or `hooks status` should not load the config parser, the engines and the server.
const COMMANDS: Record<string, Command> = {
  sync: async (args, io) => (await import("./commands/sync.ts")).syncCommand(args, io),
  status: async (args, io) => (await import("./commands/status.ts")).statusCommand(args, io),
  reconcile: async (args, io) => (await import("./commands/reconcile.ts")).reconcileCommand(args, io),
  "config": async (args, io) => {
    if (args[0] !== "check") throw new UsageError(`unknown config subcommand ${JSON.stringify(args[0] ?? "")}; try: git-bridge config check`);
    return (await import("./commands/config-check.ts")).configCheckCommand(args.slice(1), io);
  },
  hooks: async (args, io) => (await import("./commands/hooks.ts")).hooksCommand(args, io),
  migrate: async (args, io) => (await import("./commands/migrate.ts")).migrateCommand(args, io),
  serve: async (args, io) => (await import("../server/main.ts")).serveCommand(args, io),
};

export function defaultIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    secrets: [],
    readLine,
  };
}

export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    return await command(rest, io);
  } catch (err) {
    const message = redact(err instanceof Error ? err.message : String(err), io.secrets);
    io.stderr(`git-bridge: ${message}\n`);
    if (err instanceof UsageError) io.stderr(`\n${USAGE}\n`);
    if (err instanceof UsageError || err instanceof ConfigError) return 2;
    if (err instanceof BridgeError && (err.code === "unsafe")) return 2;
    return 1;
  }
}

if ((import.meta as { main?: boolean }).main) {
  // Deno and Bun run this file directly.
  const code = await runCli(process.argv.slice(2));
  process.exit(code);
}
