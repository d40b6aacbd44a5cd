import assert from "node:assert/strict";
import { test } from "node:test";
import { formatChecks, formatPlan, formatStatusTable } from "./format.ts";

test("plans, checks and status read at a glance", () => {
  assert.equal(
    formatPlan("4", "repos imported", [{ action: "create", target: "import acme/app → acme/app" }, { action: "adopt", target: "import acme/lib → acme/lib", detail: "already there" }]),
    "phase 4: repos imported\n  create   import acme/app → acme/app\n  adopt    import acme/lib → acme/lib  (already there)\n",
  );
  assert.equal(formatPlan("5", "workflows", []), "phase 5: workflows\n  nothing to do\n");
  assert.equal(formatPlan("6", "mirrors", { error: "no token yet" }), "phase 6: mirrors\n  (plan not available yet: no token yet)\n");
  assert.equal(
    formatChecks("3", "runners", [{ name: "registration token", status: "ok" }, { name: "runners online", status: "unverified", detail: "older Gitea" }, { name: "x", status: "failed" }]),
    "phase 3: runners\n  ok         registration token\n  unverified runners online: older Gitea\n  FAILED     x\n",
  );
  assert.equal(
    formatStatusTable("acme", "/w/migration.state.json", [
      { id: "preflight", title: "tokens", status: "done", created: 0, adopted: 0, snapshots: 0 },
      { id: "8", title: "marks", status: "done", created: 0, adopted: 1, snapshots: 3 },
    ]),
    "migration of acme (/w/migration.state.json)\n  preflight done      tokens\n  8         done      marks  [1 adopted]  [3 snapshots]\n",
  );
});
