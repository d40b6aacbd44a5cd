// git-bridge migrate plan|run|check|teardown [phase|all] --config migration.yaml [--yes] [--json]
// git-bridge migrate status --config migration.yaml [--json]
// run and teardown show their plan and ask first unless --yes; teardown asks for the org name.
import { setTimeout as delay } from "node:timers/promises";
import { ConfigError, UsageError } from "../../server/errors.ts";
import { systemResolveHost } from "../../server/mirror/remote-policy.ts";
import {
  checkPhase,
  loadMigration,
  type MigrationContext,
  migrationStatus,
  PHASES,
  runBlocker,
  teardownBlocker,
  withMigrationLock,
  planPhase,
  runPhase,
  selectPhases,
  teardownPhase,
  teardownPlan,
} from "../migrate/api.ts";
import { formatChecks, formatPlan, formatStatusTable } from "../migrate/format.ts";
import type { PhaseDef, PlanItem } from "../migrate/phases/phase.ts";
import { parse } from "./args.ts";
import type { CliIo } from "./io.ts";

const ACTIONS = ["plan", "run", "check", "teardown", "status"];

export async function migrateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: "string" }, yes: { type: "boolean" }, json: { type: "boolean" } });
  const [action, which, ...extra] = positionals;
  if (!action || !ACTIONS.includes(action)) throw new UsageError(`migrate needs one of ${ACTIONS.join(", ")}`);
  if (extra.length || (action === "status" && which)) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0] ?? which)}`);
  const json = !!values.json;
  const ctx = await loadMigration(values.config as string ?? io.env.MIGRATION_CONFIG ?? "migration.yaml", {
    env: io.env,
    cwd: io.cwd,
    deps: {
      fetch: globalThis.fetch,
      sleep: (ms) => delay(ms),
      now: () => Date.now(),
      resolveHost: systemResolveHost,
      log: (line) => io.stderr(`${line}\n`),
      printSecret: (text) => io.stdout(text),
    },
  });
  io.secrets.push(...ctx.config.secretValues);
  for (const w of ctx.config.warnings) io.stderr(`warning: ${w}\n`);
  try {
    return await migrateAction(ctx, action, which, { yes: !!values.yes, json }, io);
  } catch (err) {
    // Tokens created during this run are known to the context, not to the CLI's redaction list.
    if (err instanceof Error) err.message = ctx.redact(err.message);
    throw err;
  }
}

async function migrateAction(
  ctx: MigrationContext,
  action: string,
  which: string | undefined,
  values: { yes: boolean; json: boolean },
  io: CliIo,
): Promise<number> {
  const json = values.json;
  // Progress goes to stderr with --json so stdout stays one JSON document.
  const say = json ? io.stderr : io.stdout;
  const progress = { onProgress: (m: string) => say(`  … ${m}\n`) };

  if (action === "status") {
    const s = migrationStatus(ctx);
    io.stdout(json ? `${JSON.stringify(s)}\n` : formatStatusTable(s.org, s.stateFile, s.phases));
    return 0;
  }
  const phases = selectPhases(which);
  if (action === "plan") {
    const plans = await planAll(ctx, phases);
    io.stdout(json ? `${JSON.stringify({ phases: plans })}\n` : plans.map((p) => formatPlan(p.id, p.title, p.plan)).join("\n"));
    return 0;
  }
  if (action === "check") {
    const results = [];
    for (const p of phases) results.push({ id: p.id, title: p.title, checks: await checkPhase(ctx, p) });
    io.stdout(json ? `${JSON.stringify({ phases: results })}\n` : results.map((r) => formatChecks(r.id, r.title, r.checks)).join("\n"));
    return results.some((r) => r.checks.some((c) => c.status === "failed")) ? 1 : 0;
  }
  if (action === "run") {
    // Refuse before showing a plan and asking, when the first phase is not allowed to run yet.
    const blocked = runBlocker(ctx, phases[0]);
    if (blocked) throw new ConfigError(blocked);
    const shown = await planAll(ctx, phases);
    say(shown.map((p) => formatPlan(p.id, p.title, p.plan)).join("\n"));
    if (!values.yes && !await confirm(io, `\nRun ${phases.length === 1 ? `phase ${phases[0].id}` : "these phases"} against ${ctx.config.gitea.url}? [y/N] `, (a) => /^y(es)?$/i.test(a))) {
      say("not run\n");
      return 1;
    }
    const results: { id: string; status: string }[] = [];
    await withMigrationLock(ctx, async () => {
      for (const p of phases) {
        say(`phase ${p.id}: ${p.title}\n`);
        results.push({ id: p.id, status: await runPhase(ctx, p, progress) });
        say(`phase ${p.id}: ${results.at(-1)!.status}\n`);
      }
    });
    if (json) io.stdout(`${JSON.stringify({ phases: results })}\n`);
    return 0;
  }
  // teardown: newest phase first
  const ordered = [...phases].sort((a, b) => PHASES.indexOf(b) - PHASES.indexOf(a));
  const blocked = teardownBlocker(ctx, ordered[0]);
  if (blocked) throw new ConfigError(blocked);
  say(ordered.map((p) => formatPlan(p.id, `${p.title} (teardown)`, teardownPlan(ctx, p))).join("\n"));
  if (!values.yes) {
    const ok = await confirm(io, `\nThis undoes the changes above. Type the organisation name (${ctx.config.org}) to confirm: `, (a) => a === ctx.config.org);
    if (!ok) {
      say("organisation name did not match: nothing torn down\n");
      return 1;
    }
  }
  const results: { id: string; status: string }[] = [];
  await withMigrationLock(ctx, async () => {
    for (const p of ordered) {
      say(`tearing down phase ${p.id}: ${p.title}\n`);
      results.push({ id: p.id, status: await teardownPhase(ctx, p, progress) });
    }
  });
  if (json) io.stdout(`${JSON.stringify({ phases: results })}\n`);
  return 0;
}

async function planAll(ctx: MigrationContext, phases: PhaseDef[]) {
  const out: { id: string; title: string; plan: PlanItem[] | { error: string } }[] = [];
  for (const p of phases) {
    // A later phase's plan may need what an earlier one creates (the admin token): say so.
    const plan = await planPhase(ctx, p).catch((err: Error) => ({ error: ctx.redact(err.message) }));
    out.push({ id: p.id, title: p.title, plan });
  }
  return out;
}

async function confirm(io: CliIo, question: string, accept: (answer: string) => boolean): Promise<boolean> {
  if (!io.readLine) throw new UsageError("confirmation needed but there is no terminal to ask: pass --yes");
  const answer = await io.readLine(question);
  return answer !== undefined && accept(answer.trim());
}
