import { parse } from "./args.ts";
import { ConfigError, UsageError } from "../../server/errors.ts";
import { parseRetryRequest } from "../../server/requests/retry-request.ts";
import { syncRepo } from "../../server/mirror/sync.ts";
import { formatSync } from "./format.ts";
import type { CliIo } from "./io.ts";
import { resolveHost, setup } from "./load.ts";

export async function syncCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    direction: { type: "string" },
    ref: { type: "string" },
    config: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("sync needs exactly one repo name (the `name` in config.yaml)");
  const { config, git } = await setup(io, values.config as string | undefined);
  // The same parser as the retry API and Slack, with the CLI's default: every way the repo allows.
  const parsed = parseRetryRequest(config, { repo: positionals[0], direction: values.direction, ref: values.ref }, "sync");
  if (!parsed.ok) {
    if (parsed.field === "repo") throw new ConfigError(parsed.error, { repo: positionals[0] });
    throw new UsageError(parsed.field === "direction" ? `--${parsed.error}` : parsed.error);
  }
  const { repo, direction, ref } = parsed.value;
  const result = await syncRepo({ git, resolveHost }, config, { repo: repo.name, direction, ref });
  io.stdout(values.json ? `${JSON.stringify(result)}\n` : formatSync(result));
  return result.refs.some((r) => r.action === "diverged" || r.action === "rejected") ? 3 : 0;
}
