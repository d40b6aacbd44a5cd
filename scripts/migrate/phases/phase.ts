// The shape of a phase and the bookkeeping every phase shares: GET before create, adopt what
// exists, record intent before a create so a kill mid-call still leaves the resource known as
// ours, and teardown that removes only what was created (newest first).
import type { MigrationContext } from "../context.ts";
import type { PhaseState, Resource } from "../state.ts";

export interface PlanItem {
  action: "create" | "adopt" | "update" | "delete" | "restore" | "keep" | "skip" | "verify";
  target: string;
  detail?: string;
}

export interface CheckItem {
  name: string;
  /** "unverified": this server cannot answer the question (an older Gitea); said, not failed. */
  status: "ok" | "failed" | "unverified";
  detail?: string;
}

export interface PhaseContext extends MigrationContext {
  phase: PhaseState;
  progress(message: string): void;
  save(): Promise<void>;
}

export interface PhaseDef {
  id: string;
  title: string;
  plan(ctx: PhaseContext): Promise<PlanItem[]>;
  run(ctx: PhaseContext): Promise<void>;
  check(ctx: PhaseContext): Promise<CheckItem[]>;
  /** Undo exactly what run recorded: delete created resources, restore snapshots. */
  teardown(ctx: PhaseContext): Promise<void>;
}

type Key = Pick<Resource, "kind" | "server" | "id">;
const same = (a: Key) => (b: Key) => a.kind === b.kind && a.server === b.server && a.id === b.id;

export const findCreated = (phase: PhaseState, key: Key) => phase.created.find(same(key));

/**
 * GET, then adopt or create. Returns "created" (made now or by an earlier, interrupted run of this
 * phase), "ours" (created by an earlier run), or "adopted" (there before us: teardown leaves it).
 */
export async function ensure<T>(
  ctx: PhaseContext,
  key: Key & { detail?: Resource["detail"] },
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
): Promise<{ value: T; outcome: "created" | "ours" | "adopted" }> {
  const existing = await find();
  const record = findCreated(ctx.phase, key);
  if (existing !== undefined) {
    if (record) {
      if (record.state === "intended") {
        record.state = "created";
        await ctx.save();
        return { value: existing, outcome: "created" };
      }
      return { value: existing, outcome: "ours" };
    }
    if (!ctx.phase.adopted.some(same(key))) {
      ctx.phase.adopted.push({ ...key, state: "created" });
      await ctx.save();
    }
    return { value: existing, outcome: "adopted" };
  }
  if (!record) ctx.phase.created.push({ ...key, state: "intended" });
  else record.state = "intended";
  await ctx.save();
  const value = await create();
  findCreated(ctx.phase, key)!.state = "created";
  await ctx.save();
  return { value, outcome: "created" };
}

/** Removes created resources newest first; each is dropped from the state once it is gone. */
export async function removeCreated(ctx: PhaseContext, remove: (r: Resource) => Promise<void>, kinds?: string[]): Promise<void> {
  for (const r of [...ctx.phase.created].reverse()) {
    if (kinds && !kinds.includes(r.kind)) continue;
    ctx.progress(`removing ${r.kind} ${r.id} (${r.server})`);
    await remove(r);
    ctx.phase.created = ctx.phase.created.filter((x) => x !== r);
    await ctx.save();
  }
}

/** A plan line for a resource that either exists (adopt/keep) or would be created. */
export function planEnsure(ctx: PhaseContext, key: Key, exists: boolean, what: string): PlanItem {
  if (!exists) return { action: "create", target: what };
  return findCreated(ctx.phase, key) ? { action: "keep", target: what, detail: "created by an earlier run" } : { action: "adopt", target: what, detail: "already there; teardown leaves it" };
}

/** Runs `fn` over items, reporting "verb i/n noun". */
export async function eachWithProgress<T>(ctx: PhaseContext, items: readonly T[], verb: string, noun: string, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  for (const item of items) {
    ctx.progress(`${verb} ${++i}/${items.length} ${noun}`);
    await fn(item);
  }
}
