// Ref planning: a pure function of the refs on both sides and the ledger (the last SHA the bridge
// saw equal on both sides). No IO here, so every safety rule is a table test.
//
// The rules, per ref (S = source, T = target, L = ledger):
// - S == T: unchanged.
// - Exactly one side moved away from L: that side wins (fast-forward, rewrite, create, delete).
// - No ledger, or both moved: a fast-forward is still safe (nothing is lost); anything else is
//   diverged. A lost ledger only makes the bridge more careful.
// - One-way repos never take the to-side's own changes: if the to-side moved, it holds commits the
//   bridge never mirrored, so the ref is diverged (or overwritten with `on_divergence: force`).
// - Deletes propagate only with prune, and only while the to-side still sits at L.
import type { Direction, RepoDirection, Side } from "../config/types.ts";
import type { PushUpdate, RefMap } from "./git/types.ts";
import { isTag } from "./refname.ts";

export type RefAction = "created" | "updated" | "deleted" | "unchanged" | "filtered" | "diverged" | "rejected";

export interface RefResult {
  ref: string;
  action: RefAction;
  /** Receiving side's value before the sync (for diverged: the target's value). */
  from: string | null;
  /** Receiving side's value after the sync (for diverged: the source's value). */
  to: string | null;
  direction?: Direction;
  reason?: string;
  /** Backup ref in the cache that keeps an overwritten or deleted tip. */
  backup?: string;
  /** Author of the new tip's commit (created/updated refs), for notifications. */
  author?: { name: string; email: string };
}

export interface PlannedRef extends RefResult {
  /** The push that carries the action out, on the receiving side. */
  push?: PushUpdate & { side: Side };
  /** Ledger after success: a SHA to record, null to forget, undefined to leave as is. */
  ledger?: string | null;
  /** An old tip to keep as a backup ref before it is overwritten or deleted. */
  keep?: { side: Side; oid: string };
  /** Bookkeeping only (e.g. a ref deleted on both sides): not shown to users. */
  silent?: boolean;
}

export interface PlanInput {
  source: RefMap;
  target: RefMap;
  ledger: RefMap;
  direction: RepoDirection;
  /** Limit a bidirectional repo to one way (CLI --direction). */
  only?: Direction;
  /** Plan just these refs (CLI --ref, a webhook's ref). */
  refs?: string[];
  /** A reason when the ref is excluded by refs.include/exclude; undefined when in scope. */
  scope: (ref: string) => string | undefined;
  /** The one direction ref_overrides pins this ref to, with a description for messages. */
  pin: (ref: string) => { direction: Direction; label: string } | undefined;
  prune: boolean;
  onDivergence: "skip" | "force";
  /** Refs forced as if on_divergence were force (an approver asked for these from Slack). */
  forceRefs?: string[];
  /** Is `ancestor` reachable from `descendant`? undefined when either object is unknown. */
  ancestry: (ancestor: string, descendant: string) => boolean | undefined;
}

type Oid = string | null;

type Decision =
  | { kind: "equal" }
  | { kind: "flow"; dir: Direction }
  | { kind: "conflict"; reason: string };

const S2T: Direction = "source-to-target";
const T2S: Direction = "target-to-source";
const receiver = (dir: Direction): Side => (dir === S2T ? "target" : "source");
const sender = (dir: Direction): Side => (dir === S2T ? "source" : "target");

/** Which side should win for this ref, judged only from the three values. */
function decide(ref: string, S: Oid, T: Oid, L: Oid, anc: PlanInput["ancestry"]): Decision {
  if (S === T) return { kind: "equal" };
  const fastForward = (): Decision | undefined => {
    if (!S || !T || isTag(ref)) return undefined;
    if (anc(T, S) === true) return { kind: "flow", dir: S2T };
    if (anc(S, T) === true) return { kind: "flow", dir: T2S };
    return undefined;
  };
  if (L === null) {
    if (S && !T) return { kind: "flow", dir: S2T };
    if (T && !S) return { kind: "flow", dir: T2S };
    return fastForward() ??
      { kind: "conflict", reason: "both sides have this ref at different commits and neither contains the other" };
  }
  if (T === L) return { kind: "flow", dir: S2T };
  if (S === L) return { kind: "flow", dir: T2S };
  return fastForward() ?? {
    kind: "conflict",
    reason: !S
      ? "deleted on source but changed on target since the last sync"
      : !T
      ? "deleted on target but changed on source since the last sync"
      : "changed on both sides since the last sync",
  };
}

export function planRefs(input: PlanInput): PlannedRef[] {
  const names = input.refs ?? [...new Set([...input.source.keys(), ...input.target.keys(), ...input.ledger.keys()])];
  return names.sort().map((ref) => planRef(input, ref)).filter((p): p is PlannedRef => p !== undefined);
}

function planRef(input: PlanInput, ref: string): PlannedRef | undefined {
  const S = input.source.get(ref) ?? null;
  const T = input.target.get(ref) ?? null;
  const L = input.ledger.get(ref) ?? null;
  const value = (side: Side) => (side === "source" ? S : T);

  const excluded = input.scope(ref);
  if (excluded) {
    if (S === null && T === null) return undefined;
    return { ref, action: "filtered", from: T, to: S, reason: excluded };
  }

  const decision = decide(ref, S, T, L, input.ancestry);
  if (decision.kind === "equal") {
    if (S === null) return L === null ? undefined : { ref, action: "unchanged", from: null, to: null, ledger: null, silent: true };
    return { ref, action: "unchanged", from: T, to: S, ledger: S === L ? undefined : S };
  }

  // The one direction this ref may flow in (undefined = either): a one-way repo, a ref pinned by
  // ref_overrides, or a sync limited with --direction, in that order of precedence.
  const pin = input.pin(ref);
  const oneWay = input.direction === "bidirectional" ? undefined : input.direction;
  const single = oneWay ?? pin?.direction;
  if (single && input.only && input.only !== single) {
    return { ref, action: "filtered", from: T, to: S, reason: `flows ${single} only; this sync is limited to ${input.only}` };
  }
  const allowed = single ?? input.only;

  if (decision.kind === "flow") {
    if (!allowed || allowed === decision.dir) return carryOut(input, ref, decision.dir, value);
    const moved = sender(decision.dir);
    if (!single) {
      return { ref, action: "filtered", from: T, to: S, reason: `changed on ${moved}; this sync is limited to ${allowed}` };
    }
    if (!oneWay) {
      return { ref, action: "filtered", from: T, to: S, reason: `changed on ${moved}, but ref_overrides pins it to ${pin!.label}` };
    }
    // A one-way repo whose receiving side moved on its own.
    const from = sender(oneWay);
    if (value(from) === null && L === null) return undefined; // the receiving side's own ref: not ours
    if (value(moved) === null) {
      // The receiving side lost a ref the bridge had mirrored: restoring it loses nothing.
      return { ...carryOut(input, ref, oneWay, value), reason: `${moved} had lost it; restored from ${from}` };
    }
    return divergedOrForced(input, ref, oneWay, value, `${moved} has commits that were never mirrored from ${from}`);
  }
  // A one-way repo's receiving side that moved is the more useful thing to say than "both moved".
  const reason = oneWay && S !== null && T !== null
    ? `${receiver(oneWay)} has commits that were never mirrored from ${sender(oneWay)}`
    : decision.reason;
  return divergedOrForced(input, ref, single, value, reason);
}

function divergedOrForced(
  input: PlanInput,
  ref: string,
  single: Direction | undefined,
  value: (side: Side) => Oid,
  reason: string,
): PlannedRef {
  // Forcing needs a side that is authoritative for the ref: a one-way repo or a pinned ref.
  const approved = input.forceRefs?.includes(ref) ?? false;
  if ((input.onDivergence === "force" || approved) && single && value(sender(single)) !== null) {
    const oldOid = value(receiver(single));
    const planned = carryOut(input, ref, single, value);
    return {
      ...planned,
      reason: `forced (${input.onDivergence === "force" ? "on_divergence: force" : "approved force"}): ${reason}`,
      keep: oldOid ? { side: receiver(single), oid: oldOid } : undefined,
    };
  }
  const hint = (input.onDivergence === "force" || approved) && !single
    ? "on_divergence: force needs a one-way repo or a ref pinned by ref_overrides"
    : "resolve it by hand, or set on_divergence: force to let the source win";
  return {
    ref,
    action: "diverged",
    from: value("target"),
    to: value("source"),
    ...(single ? { direction: single } : {}),
    reason: `${reason}; not overwritten (${hint})`,
  };
}

/** The push for a ref whose winning direction is settled. */
function carryOut(input: PlanInput, ref: string, dir: Direction, value: (side: Side) => Oid): PlannedRef {
  const to = receiver(dir);
  const newOid = value(sender(dir));
  const oldOid = value(to);
  const push = { side: to, ref, newOid, expectedOid: oldOid };
  if (newOid === null) {
    if (!input.prune) {
      return {
        ref,
        action: "unchanged",
        from: oldOid,
        to: oldOid,
        direction: dir,
        reason: `deleted on ${sender(dir)}; prune is off, so ${to} keeps it`,
      };
    }
    return { ref, action: "deleted", from: oldOid, to: null, direction: dir, push, ledger: null, keep: oldOid ? { side: to, oid: oldOid } : undefined };
  }
  if (oldOid === null) return { ref, action: "created", from: null, to: newOid, direction: dir, push, ledger: newOid };
  const fastForward = !isTag(ref) && input.ancestry(oldOid, newOid) === true;
  return {
    ref,
    action: "updated",
    from: oldOid,
    to: newOid,
    direction: dir,
    push,
    ledger: newOid,
    ...(fastForward ? {} : { reason: `history rewritten on ${sender(dir)}`, keep: { side: to, oid: oldOid } }),
  };
}

/**
 * Pairs worth asking the cache about before planning. When one side still sits at the ledger only
 * the fast-forward from it matters; otherwise both directions do. (Asking "is the new tip an
 * ancestor of the old one?" walks the whole history, so it is asked only when it can matter.)
 */
export function ancestryQuestions(source: RefMap, target: RefMap, ledger: RefMap = new Map()): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [ref, s] of source) {
    const t = target.get(ref);
    if (!t || t === s || isTag(ref)) continue;
    const l = ledger.get(ref);
    if (l === t) pairs.push([t, s]);
    else if (l === s) pairs.push([s, t]);
    else pairs.push([t, s], [s, t]);
  }
  return pairs;
}

export { receiver, sender };
