import { parse } from "./args.ts";
import { UsageError } from "../../server/errors.ts";
import { findRepo } from "../../server/config/find-repo.ts";
import { repoStatus } from "../../server/mirror/status.ts";
import { formatStatus } from "./format.ts";
import type { CliIo } from "./io.ts";
import { resolveHost, setup } from "./load.ts";

/** Exit 0 when everything is in sync, 3 when something is not, 1 when a side could not be read. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { all: { type: "boolean" }, config: { type: "string" }, json: { type: "boolean" } });
  if (values.all ? positionals.length !== 0 : positionals.length !== 1) {
    throw new UsageError("status needs one repo name, or --all");
  }
  const { config, git } = await setup(io, values.config as string | undefined);
  const repos = values.all ? config.repos : [findRepo(config, positionals[0])];
  const statuses = await Promise.all(repos.map((r) => repoStatus({ git, resolveHost }, config, r)));
  if (values.json) io.stdout(`${JSON.stringify(values.all ? { repos: statuses } : statuses[0])}\n`);
  else io.stdout(formatStatus(statuses));
  return statuses.every((s) => s.state === "in_sync") ? 0 : 3;
}
