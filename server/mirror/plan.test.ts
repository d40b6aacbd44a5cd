import { test } from "node:test";
import assert from "node:assert/strict";
import { type PlanInput, planRefs } from "./plan.ts";

const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40), D = "d".repeat(40);
const H = "refs/heads/main";

// History: A <- B <- C (linear); D is unrelated to all of them.
const lineage: Record<string, string[]> = { [A]: [], [B]: [A], [C]: [A, B], [D]: [] };
const ancestry = (anc: string, desc: string) =>
  anc === desc || (lineage[desc]?.includes(anc) ?? false);

function plan(
  s: Record<string, string>,
  t: Record<string, string>,
  l: Record<string, string>,
  over: Partial<PlanInput> = {},
) {
  return planRefs({
    source: new Map(Object.entries(s)),
    target: new Map(Object.entries(t)),
    ledger: new Map(Object.entries(l)),
    direction: "source-to-target",
    scope: () => undefined,
    pin: () => undefined,
    prune: false,
    onDivergence: "skip",
    ancestry,
    ...over,
  });
}
const one = (...args: Parameters<typeof plan>) => {
  const out = plan(...args);
  assert.equal(out.length, 1, JSON.stringify(out));
  return out[0];
};

test("create on an empty target, with a must-not-exist lease", () => {
  const p = one({ [H]: A }, {}, {});
  assert.equal(p.action, "created");
  assert.deepEqual(p.push, { side: "target", ref: H, newOid: A, expectedOid: null });
  assert.equal(p.ledger, A);
});

test("fast-forward when the target is where the bridge left it", () => {
  const p = one({ [H]: C }, { [H]: B }, { [H]: B });
  assert.equal(p.action, "updated");
  assert.deepEqual(p.push, { side: "target", ref: H, newOid: C, expectedOid: B });
  assert.equal(p.keep, undefined);
});

test("an upstream rewrite propagates when the target is untouched, keeping the old tip", () => {
  const p = one({ [H]: D }, { [H]: B }, { [H]: B });
  assert.equal(p.action, "updated");
  assert.match(p.reason!, /rewritten on source/);
  assert.deepEqual(p.keep, { side: "target", oid: B });
});

test("target moved on its own: diverged, both SHAs, nothing pushed", () => {
  const p = one({ [H]: C }, { [H]: D }, { [H]: B });
  assert.equal(p.action, "diverged");
  assert.equal(p.from, D);
  assert.equal(p.to, C);
  assert.equal(p.push, undefined);
  assert.equal(p.ledger, undefined);
});

test("no ledger and a target that is behind: a fast-forward loses nothing", () => {
  assert.equal(one({ [H]: C }, { [H]: A }, {}).action, "updated");
});

test("no ledger and unrelated histories: diverged", () => {
  assert.equal(one({ [H]: C }, { [H]: D }, {}).action, "diverged");
});

test("one-way: target ahead of source with commits never mirrored is diverged", () => {
  const p = one({ [H]: B }, { [H]: C }, { [H]: B });
  assert.equal(p.action, "diverged");
  assert.match(p.reason!, /target has commits that were never mirrored/);
});

test("on_divergence force overwrites, keeps a backup and records the ledger", () => {
  const p = one({ [H]: C }, { [H]: D }, { [H]: B }, { onDivergence: "force" });
  assert.equal(p.action, "updated");
  assert.deepEqual(p.push, { side: "target", ref: H, newOid: C, expectedOid: D });
  assert.deepEqual(p.keep, { side: "target", oid: D });
  assert.match(p.reason!, /forced/);
});

test("an approved force (Slack) overwrites only the refs it names, keeping a backup", () => {
  const p = one({ [H]: C }, { [H]: D }, { [H]: B }, { forceRefs: [H] });
  assert.equal(p.action, "updated");
  assert.deepEqual(p.push, { side: "target", ref: H, newOid: C, expectedOid: D });
  assert.deepEqual(p.keep, { side: "target", oid: D });
  assert.match(p.reason!, /^forced \(approved force\)/);
  const other = one({ [H]: C }, { [H]: D }, { [H]: B }, { forceRefs: ["refs/heads/other"] });
  assert.equal(other.action, "diverged");
  assert.equal(other.push, undefined);
});

test("deletes need prune, and only while the target is at the ledger", () => {
  const kept = one({}, { [H]: B }, { [H]: B });
  assert.equal(kept.action, "unchanged");
  assert.match(kept.reason!, /prune is off/);
  assert.equal(kept.push, undefined);

  const del = one({}, { [H]: B }, { [H]: B }, { prune: true });
  assert.equal(del.action, "deleted");
  assert.deepEqual(del.push, { side: "target", ref: H, newOid: null, expectedOid: B });
  assert.equal(del.ledger, null);
  assert.deepEqual(del.keep, { side: "target", oid: B });

  assert.equal(one({}, { [H]: C }, { [H]: B }, { prune: true }).action, "diverged");
});

test("target-only refs of a one-way repo are left alone and unreported", () => {
  assert.deepEqual(plan({}, { "refs/heads/theirs": A }, {}), []);
});

test("a mirrored ref the target lost is restored", () => {
  const p = one({ [H]: B }, {}, { [H]: B });
  assert.equal(p.action, "created");
  assert.match(p.reason!, /restored/);
});

test("unchanged refs refresh the ledger; refs deleted on both sides are forgotten silently", () => {
  const p = one({ [H]: B }, { [H]: B }, {});
  assert.equal(p.action, "unchanged");
  assert.equal(p.ledger, B);
  const gone = one({}, {}, { [H]: B });
  assert.equal(gone.silent, true);
  assert.equal(gone.ledger, null);
});

test("tags: a moved tag is a rewrite when untouched on the target, diverged otherwise", () => {
  const tag = "refs/tags/v1";
  const moved = one({ [tag]: C }, { [tag]: B }, { [tag]: B });
  assert.equal(moved.action, "updated");
  assert.deepEqual(moved.keep, { side: "target", oid: B });
  assert.equal(one({ [tag]: C }, { [tag]: B }, {}).action, "diverged");
});

test("filtered refs are reported and never pushed", () => {
  const p = one({ "refs/heads/wip/x": A }, {}, {}, { scope: () => "excluded by refs.exclude refs/heads/wip/*" });
  assert.equal(p.action, "filtered");
  assert.equal(p.push, undefined);
});

test("target-to-source repos mirror the other way", () => {
  const p = one({}, { [H]: A }, {}, { direction: "target-to-source" });
  assert.equal(p.action, "created");
  assert.deepEqual(p.push, { side: "source", ref: H, newOid: A, expectedOid: null });
});

test("bidirectional: the side that moved wins", () => {
  const bi = { direction: "bidirectional" as const };
  const s = one({ [H]: C }, { [H]: B }, { [H]: B }, bi);
  assert.equal(s.direction, "source-to-target");
  assert.equal(s.push?.side, "target");
  const t = one({ [H]: B }, { [H]: C }, { [H]: B }, bi);
  assert.equal(t.direction, "target-to-source");
  assert.deepEqual(t.push, { side: "source", ref: H, newOid: C, expectedOid: B });
  const created = one({}, { "refs/heads/new": A }, {}, bi);
  assert.equal(created.push?.side, "source");
});

test("bidirectional: both moved is diverged, even with force", () => {
  const p = one({ [H]: D }, { [H]: C }, { [H]: B }, { direction: "bidirectional", onDivergence: "force" });
  assert.equal(p.action, "diverged");
  assert.match(p.reason!, /changed on both sides/);
});

test("bidirectional echo: equal on both sides pushes nothing", () => {
  const p = one({ [H]: C }, { [H]: C }, { [H]: B }, { direction: "bidirectional" });
  assert.equal(p.action, "unchanged");
  assert.equal(p.push, undefined);
  assert.equal(p.ledger, C);
});

test("bidirectional deletes follow the side that deleted, with prune", () => {
  const p = one({ [H]: B }, {}, { [H]: B }, { direction: "bidirectional", prune: true });
  assert.equal(p.action, "deleted");
  assert.deepEqual(p.push, { side: "source", ref: H, newOid: null, expectedOid: B });
});

test("--direction limits a bidirectional repo to one way", () => {
  const p = one({ [H]: B }, { [H]: C }, { [H]: B }, { direction: "bidirectional", only: "source-to-target" });
  assert.equal(p.action, "filtered");
  assert.match(p.reason!, /limited to source-to-target/);
});

test("ref_overrides pin a ref: the other side's change is filtered, force applies in the pinned way", () => {
  const pin = () => ({ direction: "target-to-source" as const, label: "gitlab → codecommit" });
  const p = one({ [H]: C }, { [H]: B }, { [H]: B }, { direction: "bidirectional", pin });
  assert.equal(p.action, "filtered");
  assert.match(p.reason!, /pins it to gitlab → codecommit/);
  const forced = one({ [H]: D }, { [H]: C }, { [H]: B }, { direction: "bidirectional", pin, onDivergence: "force" });
  assert.equal(forced.action, "updated");
  assert.equal(forced.push?.side, "source");
});

test("a single requested ref plans only that ref", () => {
  const out = plan({ [H]: A, "refs/heads/dev": B }, {}, {}, { refs: ["refs/heads/dev"] });
  assert.deepEqual(out.map((p) => p.ref), ["refs/heads/dev"]);
});

test("ancestry questions: only the fast-forward from the ledger side when one side is untouched", async () => {
  const { ancestryQuestions } = await import("./plan.ts");
  const m = (o: Record<string, string>) => new Map(Object.entries(o));
  assert.deepEqual(ancestryQuestions(m({ [H]: C }), m({ [H]: B }), m({ [H]: B })), [[B, C]]);
  assert.deepEqual(ancestryQuestions(m({ [H]: B }), m({ [H]: C }), m({ [H]: B })), [[B, C]]);
  assert.deepEqual(ancestryQuestions(m({ [H]: C }), m({ [H]: D }), m({})), [[D, C], [C, D]]);
  assert.deepEqual(ancestryQuestions(m({ "refs/tags/v1": C }), m({ "refs/tags/v1": D }), m({})), []);
});
