import { parse } from "./args.ts";
import type { CliIo } from "./io.ts";
import { loadFor } from "./load.ts";

export async function configCheckCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: "string" } });
  const config = await loadFor(io, values.config as string | undefined);
  // The full cron parse is here and at server start, not in every config load (see reconcile-settings.ts).
  if (config.reconcile.enabled) {
    const { cronSchedule } = await import("../../server/reconcile/schedule.ts");
    cronSchedule(config.reconcile.schedule, config.reconcile.timezone);
  }
  for (const w of config.warnings) io.stderr(`warning: ${w}\n`);
  io.stdout(`${config.path}: OK (${config.repos.length} repos, ${config.providers.size} providers)\n`);
  return 0;
}
