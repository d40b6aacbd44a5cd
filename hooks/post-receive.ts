// The post-receive hook's entry point, started by the installed shim (see shim.ts) under node,
// deno or bun:
//   post-receive.ts --gb-config=C --gb-repo=R --gb-mode=push|notify --gb-side=source|target
//                   --gb-work-dir=W [--gb-env-file=F]            (argument rules: hook-args.ts)
// reads git's ref lines on stdin and answers within the budget; with --gb-worker it is the
// detached worker that does the mirroring. It never prints a secret. Exit status: 0 once the push
// is spooled (or there was nothing valid to spool), whatever happens after: the push has already
// happened, and a hook failure must not look like a push failure. Non-zero only when it failed
// before the push was safe in the spool: then the shim spools git's lines itself.
import { Buffer } from "node:buffer";
import { BUDGET_MS, runForeground, spawnWorker } from "./foreground.ts";
import { parseHookArgs } from "./hook-args.ts";
import { printable } from "./protocol.ts";

async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : c);
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Exit status for the shim: 0 = the push is handled; 1 = not spooled, the shim must spool it. */
const NOT_SPOOLED = 1;

const write = (s: string) => void process.stderr.write(s);
let worker = false;
let handled = false;
try {
  const parsed = parseHookArgs(process.argv.slice(2));
  worker = parsed.worker;
  if (worker) {
    handled = true; // the entry is spooled already; the worker only delivers it
    const { runWorker } = await import("./worker.ts");
    await runWorker(parsed.args, parsed.id, write);
  } else {
    // Never hang the push, whatever happens below.
    setTimeout(() => process.exit(handled ? 0 : NOT_SPOOLED), BUDGET_MS + 700).unref();
    const origin = typeof performance.timeOrigin === "number" && performance.timeOrigin > 0 ? performance.timeOrigin : Date.now();
    await runForeground(parsed.args, {
      readStdin,
      stderr: write,
      startWorker: spawnWorker,
      deadline: Math.min(origin + BUDGET_MS, Date.now() + BUDGET_MS),
      onSpooled: () => void (handled = true),
    });
    handled = true; // nothing valid to spool also ends here
  }
} catch (err) {
  const message = printable(err instanceof Error ? err.message : String(err));
  if (worker) write(`${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "hook worker failed", error: message })}\n`);
  else if (handled) write(`git-bridge: the mirror hook failed (${message}); the push itself is fine and is spooled\n`);
  // Not handled: the shim spools git's lines and says so in one line; this goes to its error file.
  else write(`git-bridge: the mirror hook failed before spooling the push: ${message}\n`);
}
process.exit(handled ? 0 : NOT_SPOOLED);
