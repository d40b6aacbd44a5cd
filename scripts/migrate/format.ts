// Human-readable migration output. Pure, so tests pin it.
import type { CheckItem, PlanItem } from "./phases/phase.ts";
import type { PhaseSummary } from "./api.ts";

export function formatPlan(id: string, title: string, items: PlanItem[] | { error: string }): string {
  const head = `phase ${id}: ${title}\n`;
  if ("error" in items) return `${head}  (plan not available yet: ${items.error})\n`;
  if (items.length === 0) return `${head}  nothing to do\n`;
  return head + items.map((i) => `  ${i.action.padEnd(8)} ${i.target}${i.detail ? `  (${i.detail})` : ""}`).join("\n") + "\n";
}

const MARK = { ok: "ok        ", failed: "FAILED    ", unverified: "unverified" } as const;

export function formatChecks(id: string, title: string, items: CheckItem[]): string {
  return `phase ${id}: ${title}\n` + items.map((i) => `  ${MARK[i.status]} ${i.name}${i.detail ? `: ${i.detail}` : ""}`).join("\n") + "\n";
}

export function formatStatusTable(org: string, stateFile: string, phases: PhaseSummary[]): string {
  const rows = phases.map((p) =>
    `  ${p.id.padEnd(9)} ${p.status.padEnd(9)} ${p.title}${p.created ? `  [${p.created} created]` : ""}${p.adopted ? `  [${p.adopted} adopted]` : ""}${
      p.snapshots ? `  [${p.snapshots} snapshots]` : ""
    }${p.error ? `\n            error: ${p.error.split("\n").slice(0, 4).map((l) => l.trim()).join("\n              ")}` : ""}${
      p.status === "running" ? "\n            (running now, or interrupted: `migrate run` resumes it)" : ""
    }`
  );
  return `migration of ${org} (${stateFile})\n${rows.join("\n")}\n`;
}
