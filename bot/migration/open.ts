// The migration as the Slack app sees it: migration.yaml (config.yaml's migration.config) loaded
// with the toolkit's loadMigration on every command, so the plan and status come from the state
// file as it is now, whoever (CLI or Slack) changed it last. IO comes from the bridge's deps.
import { ConfigError } from "../../server/errors.ts";
import type { BridgeDeps } from "../../server/deps.ts";
import { loadMigration, type MigrationContext, type MigrationDeps } from "../../scripts/migrate/api.ts";

export type OpenMigration = () => Promise<MigrationContext>;

export function migrationOpener(deps: BridgeDeps, override: Partial<MigrationDeps> = {}): OpenMigration | undefined {
  const path = deps.config.migration?.config;
  if (!path) return undefined;
  const mdeps: MigrationDeps = {
    fetch: deps.fetch,
    sleep: (ms) => new Promise((r) => deps.timers.setTimeout(r, ms)),
    now: () => deps.clock.now().getTime(),
    resolveHost: deps.resolveHost,
    log: (line) => deps.log.info("slack: migrate", { detail: deps.redact(line) }),
    // A token shown in a channel would be shown to everyone in it: print mode is CLI-only.
    printSecret: () => {
      throw new ConfigError("secrets.mode: print cannot show a token in Slack; use secrets: { mode: file } in migration.yaml, or run this phase from the CLI");
    },
    ...override,
  };
  return () => loadMigration(path, { env: deps.env, cwd: dirOf(path), deps: mdeps });
}

const dirOf = (p: string) => p.replace(/[/\\][^/\\]*$/, "") || "/";
