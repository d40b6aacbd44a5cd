import { parse } from "./args.ts";
import { UsageError } from "../../server/errors.ts";
import type { Direction } from "../../server/config/types.ts";
import { syncRepo } from "../../server/mirror/sync.ts";
import { formatSync } from "./format.ts";
import type { CliIo } from "./io.ts";
import { resolveHost, setup } from "./load.ts";

const DIRECTIONS = ["source-to-target", "target-to-source", "auto"];

export async function syncCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    direction: { type: "string" },
    ref: { type: "string" },
    config: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("sync needs exactly one repo name (the `name` in config.yaml)");
  const direction = values.direction as string | undefined;
  if (direction !== undefined && !DIRECTIONS.includes(direction)) {
    throw new UsageError(`--direction must be one of ${DIRECTIONS.join(", ")} (got ${JSON.stringify(direction)})`);
  }
  const { config, git } = await setup(io, values.config as string | undefined);
  const result = await syncRepo({ git, resolveHost }, config, {
    repo: positionals[0],
    direction: direction as Direction | "auto" | undefined,
    ref: values.ref as string | undefined,
  });
  io.stdout(values.json ? `${JSON.stringify(result)}\n` : formatSync(result));
  return result.refs.some((r) => r.action === "diverged" || r.action === "rejected") ? 3 : 0;
}
