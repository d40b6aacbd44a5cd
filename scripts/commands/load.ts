// Shared by the commands: config from --config / CONFIG_PATH, the engine it names, DNS.
import { resolve } from "node:path";
import { loadConfig } from "../../server/config/load-config.ts";
import type { Config } from "../../server/config/types.ts";
import { hasGit, selectEngine } from "../../server/mirror/git/select-engine.ts";
import type { GitEngine } from "../../server/mirror/git/types.ts";
import type { CliIo } from "./io.ts";

export { systemResolveHost as resolveHost } from "../../server/mirror/remote-policy.ts";

export async function loadFor(io: CliIo, configFlag: string | undefined): Promise<Config> {
  const path = resolve(io.cwd, configFlag ?? io.env.CONFIG_PATH ?? "config.yaml");
  const config = await loadConfig({ path, env: io.env });
  io.secrets.push(...config.secrets);
  return config;
}

export async function setup(io: CliIo, configFlag: string | undefined): Promise<{ config: Config; git: GitEngine }> {
  const config = await loadFor(io, configFlag);
  return { config, git: await selectEngine(config.git.engine, hasGit, io.env) };
}
