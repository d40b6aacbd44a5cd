// Pushes a post-receive hook spooled (its worker could not deliver them) become queued jobs: at
// start-up and every minute while the bridge runs.
import { drainSpool } from "../../hooks/spool.ts";
import { queueSubmit } from "../../hooks/queue-submit.ts";
import type { BridgeDeps } from "../deps.ts";
import type { Service } from "./service.ts";

export function spoolDrainService(deps: BridgeDeps, everyMs = 60_000): Service {
  const { config, queue, log, timers } = deps;
  let timer: unknown;
  const drain = () =>
    drainSpool(config.workDir, queueSubmit(config, queue)).catch((err) =>
      log.warn("hook spool drain failed", { error: deps.redact(String(err)) })
    );
  return {
    name: "hook-spool",
    async start() {
      await drain();
      timer = timers.setInterval(() => void drain(), everyMs);
    },
    stop() {
      timers.clearInterval(timer);
    },
  };
}
