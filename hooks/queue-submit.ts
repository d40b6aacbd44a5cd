// A drainSpool submit for the bridge server: each spooled ref update becomes a queued SyncRequest
// (source "hook"), with the same delivery ids the notify route uses, so an entry the hook also
// delivered is a duplicate rather than a second sync. server/bridge.ts drains at start-up and
// every minute.
import { repoNamed } from "../server/config/find-repo.ts";
import { pushDirection } from "../server/config/direction.ts";
import type { Config } from "../server/config/types.ts";
import type { SyncRequest } from "../server/queue/types.ts";
import { hookDeliveryId } from "./protocol.ts";
import type { Submit } from "./spool.ts";

export function queueSubmit(
  config: Pick<Config, "repos" | "path">,
  queue: { enqueue(req: SyncRequest): Promise<{ status: string; job: { id: string } }> },
): Submit {
  return async (entry) => {
    // Entries spooled under another config (a second bridge sharing WORK_DIR) are not ours.
    if (entry.config !== config.path) return { status: "skip" };
    const repo = repoNamed(config, entry.repo);
    if (!repo) return { status: "failed", reason: `unknown repo ${JSON.stringify(entry.repo)} in ${config.path}` };
    const resolved = pushDirection(repo, entry.side);
    if ("error" in resolved) return { status: "failed", reason: resolved.error };
    const jobs = new Set<string>();
    for (const u of entry.updates) {
      const { job } = await queue.enqueue({
        repo: repo.name,
        ref: u.ref,
        direction: resolved.direction,
        source: "hook",
        deliveryId: hookDeliveryId(entry.id, u.ref),
      });
      jobs.add(job.id);
    }
    return { status: "delivered", lines: [`git-bridge: queued on the bridge: ${entry.updates.length} refs (job ${[...jobs].join(", ")})`] };
  };
}
