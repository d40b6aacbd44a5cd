// The migration as a small API, called by the CLI (scripts/commands/migrate.ts) and meant for the
// Slack approval flow too: load once, then plan/run/check/teardown a phase, or read the status.
// Phases are gated: a phase runs once every earlier one is done (or skipped); a phase is torn down
// once no later one still holds anything to undo.
import { BusyError, ConfigError, UsageError } from "../../server/errors.ts";
import { withRepoLock } from "../../server/mirror/lock.ts";
import type { Env } from "../../server/config/expand-env.ts";
import { readMigration } from "./config.ts";
import { type MigrationContext, type MigrationDeps, openContext } from "./context.ts";
import { PHASES } from "./phases/index.ts";
import type { CheckItem, PhaseContext, PhaseDef, PlanItem } from "./phases/phase.ts";
import type { PhaseState, PhaseStatus } from "./state.ts";

export type { CheckItem, PlanItem } from "./phases/phase.ts";
export type { MigrationContext, MigrationDeps } from "./context.ts";
export { PHASES };

export interface ProgressOptions {
  /** "importing 3/12 repos", "GitHub rate limit: waiting 42s…" */
  onProgress?: (message: string) => void;
}

export async function loadMigration(path: string, opts: { env: Env; cwd: string; deps: MigrationDeps }): Promise<MigrationContext> {
  return openContext(await readMigration(path, opts.env, opts.cwd), opts.deps);
}

/**
 * Runs fn holding WORK_DIR/locks/migration.lock, with the state re-read once it is held: two
 * runs (CLI and Slack, say) must not interleave their writes to one state file.
 */
export async function withMigrationLock<T>(ctx: MigrationContext, fn: () => Promise<T>): Promise<T> {
  try {
    // 12s: a lock left by a killed run goes stale after 10s without a touch and is taken over.
    return await withRepoLock(ctx.config.workDir, "migration", 12_000, async () => {
      await ctx.store.reload();
      return fn();
    });
  } catch (err) {
    if (err instanceof BusyError) throw new BusyError(`another migrate run or teardown is in progress (${ctx.config.workDir}/locks/migration.lock); try again when it finishes`);
    throw err;
  }
}

/** "all" or one phase: "preflight" (or "0") and "1" … "9". */
export function selectPhases(which: string | undefined): PhaseDef[] {
  if (!which || which === "all") return [...PHASES];
  const id = which === "0" ? "preflight" : which.replace(/^phase-?/, "");
  const phase = PHASES.find((p) => p.id === id);
  if (!phase) throw new UsageError(`unknown phase ${JSON.stringify(which)}: use preflight, 1 … 9 or all`);
  return [phase];
}

const skipReason = (ctx: MigrationContext, phase: PhaseDef) => (phase.id === "2" && !ctx.config.backup ? "no backup: in migration.yaml" : undefined);
const holdsWork = (s: PhaseState | undefined) => !!s && (s.created.length > 0 || Object.keys(s.snapshots).some((k) => k !== "preflight"));

function phaseContext(ctx: MigrationContext, phase: PhaseDef, opts: ProgressOptions): PhaseContext {
  return {
    ...ctx,
    phase: ctx.store.phase(phase.id),
    progress: (m) => opts.onProgress?.(ctx.redact(m)),
    save: () => ctx.store.save(),
  };
}

export async function planPhase(ctx: MigrationContext, phase: PhaseDef): Promise<PlanItem[]> {
  const reason = skipReason(ctx, phase);
  if (reason) return [{ action: "skip", target: `phase ${phase.id}`, detail: reason }];
  return phase.plan(phaseContext(ctx, phase, {}));
}

/** What teardown would undo, from the state file alone. */
export function teardownPlan(ctx: MigrationContext, phase: PhaseDef): PlanItem[] {
  const s = ctx.store.state.phases[phase.id];
  if (!s) return [];
  return [
    ...Object.keys(s.snapshots).filter((k) => k !== "preflight").map((k) => ({ action: "restore" as const, target: k.replace(":", " "), detail: "from the snapshot" })),
    ...[...s.created].reverse().map((r) => ({ action: "delete" as const, target: `${r.kind} ${r.id}`, detail: `${r.server}, created by this toolkit` })),
  ];
}

/** Why `phase` cannot run yet (an earlier phase not done), or undefined when it can. */
export function runBlocker(ctx: MigrationContext, phase: PhaseDef): string | undefined {
  for (const earlier of PHASES.slice(0, PHASES.indexOf(phase))) {
    const status = ctx.store.state.phases[earlier.id]?.status ?? "pending";
    if (status !== "done" && status !== "skipped") {
      return `phase ${phase.id} needs phase ${earlier.id} (${earlier.title}) done first; it is ${status}: run \`git-bridge migrate run ${earlier.id}\``;
    }
  }
  return undefined;
}

/** Why `phase` cannot be torn down yet (a later phase still holds changes), or undefined. */
export function teardownBlocker(ctx: MigrationContext, phase: PhaseDef): string | undefined {
  const later = PHASES.slice(PHASES.indexOf(phase) + 1).find((p) => holdsWork(ctx.store.state.phases[p.id]));
  return later && `phase ${later.id} (${later.title}) still holds changes: tear it down first (teardown goes in reverse order)`;
}

export async function runPhase(ctx: MigrationContext, phase: PhaseDef, opts: ProgressOptions = {}): Promise<PhaseStatus> {
  const blocked = runBlocker(ctx, phase);
  if (blocked) throw new ConfigError(blocked);
  const pctx = phaseContext(ctx, phase, opts);
  const reason = skipReason(ctx, phase);
  if (reason) {
    pctx.progress(`phase ${phase.id} skipped: ${reason}`);
    return setStatus(pctx, "skipped");
  }
  pctx.phase.startedAt = new Date(ctx.deps.now()).toISOString();
  delete pctx.phase.error;
  await setStatus(pctx, "running");
  try {
    await phase.run(pctx);
  } catch (err) {
    pctx.phase.error = ctx.redact((err as Error).message);
    await setStatus(pctx, "failed");
    throw err;
  }
  pctx.phase.finishedAt = new Date(ctx.deps.now()).toISOString();
  return setStatus(pctx, "done");
}

export async function checkPhase(ctx: MigrationContext, phase: PhaseDef): Promise<CheckItem[]> {
  const reason = skipReason(ctx, phase);
  if (reason) return [{ name: `phase ${phase.id}`, status: "ok", detail: `skipped: ${reason}` }];
  try {
    return await phase.check(phaseContext(ctx, phase, {}));
  } catch (err) {
    return [{ name: `phase ${phase.id}`, status: "failed", detail: ctx.redact((err as Error).message) }];
  }
}

export async function teardownPhase(ctx: MigrationContext, phase: PhaseDef, opts: ProgressOptions = {}): Promise<PhaseStatus> {
  const blocked = teardownBlocker(ctx, phase);
  if (blocked) throw new ConfigError(blocked);
  const pctx = phaseContext(ctx, phase, opts);
  if (pctx.phase.status === "pending" && !holdsWork(pctx.phase)) return "pending";
  try {
    await phase.teardown(pctx);
  } catch (err) {
    pctx.phase.error = ctx.redact(`teardown: ${(err as Error).message}`);
    await ctx.store.save();
    throw err;
  }
  pctx.phase.adopted = [];
  delete pctx.phase.error;
  return setStatus(pctx, "torn-down");
}

async function setStatus(pctx: PhaseContext, status: PhaseStatus): Promise<PhaseStatus> {
  pctx.phase.status = status;
  await pctx.save();
  return status;
}

export interface PhaseSummary {
  id: string;
  title: string;
  status: PhaseStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  created: number;
  adopted: number;
  snapshots: number;
}

export function migrationStatus(ctx: MigrationContext): { org: string; stateFile: string; phases: PhaseSummary[] } {
  return {
    org: ctx.config.org,
    stateFile: ctx.store.path,
    phases: PHASES.map((p) => {
      const s = ctx.store.state.phases[p.id];
      return {
        id: p.id,
        title: p.title,
        status: s?.status ?? "pending",
        startedAt: s?.startedAt,
        finishedAt: s?.finishedAt,
        error: s?.error,
        created: s?.created.length ?? 0,
        adopted: s?.adopted.length ?? 0,
        snapshots: Object.keys(s?.snapshots ?? {}).filter((k) => k !== "preflight").length,
      };
    }),
  };
}
