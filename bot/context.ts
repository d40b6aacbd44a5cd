// What every bot handler gets: the bridge's deps plus the bot's own parts. Handlers stay thin
// (parse, authorize, enqueue, answer) like HTTP routes.
import type { WebClient } from "@slack/web-api";
import type { BridgeDeps } from "../server/deps.ts";
import type { ActionRecords } from "./actions/records.ts";
import type { StatusSource } from "./status-source.ts";
import type { JobWatch } from "./job-watch.ts";
import type { OpenMigration } from "./migration/open.ts";

export interface BotContext {
  deps: BridgeDeps;
  client: WebClient;
  records: ActionRecords;
  status: StatusSource;
  watch: JobWatch;
  /** Loads migration.yaml and its state (config.yaml's migration.config); absent when unset. */
  migration?: OpenMigration;
  /** One audit line per refusal: who, what, where, why. Nothing else happens. */
  audit(fields: { user?: string; channel?: string; what: string; reason: string }): void;
}
