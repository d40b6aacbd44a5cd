// The post-receive hook's entry point, started by the installed shim (see shim.ts) under node
// (tsx), deno or bun:
//   post-receive.ts --config C --repo R --mode push|notify --side source|target --work-dir W --env-file F
// reads git's ref lines on stdin and answers within the budget; with --worker it is the detached
// worker that does the mirroring. It never exits non-zero and never prints a secret: the push has
// already happened, and a hook failure must not look like a push failure.
import { Buffer } from "node:buffer";
import { parseArgs } from "node:util";
import { BUDGET_MS, type HookArgs, runForeground, spawnWorker } from "./foreground.ts";
import { printable } from "./protocol.ts";

async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : c);
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function parse(argv: string[]): { args: HookArgs; worker: boolean; id?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      repo: { type: "string" },
      mode: { type: "string" },
      side: { type: "string" },
      "work-dir": { type: "string" },
      "env-file": { type: "string" },
      worker: { type: "boolean" },
      id: { type: "string" },
    },
    strict: true,
  });
  const need = (k: keyof typeof values) => {
    const v = values[k];
    if (typeof v !== "string" || v === "") throw new Error(`--${k} is required`);
    return v;
  };
  const mode = need("mode");
  const side = need("side");
  if (mode !== "push" && mode !== "notify") throw new Error(`--mode must be push or notify`);
  if (side !== "source" && side !== "target") throw new Error(`--side must be source or target`);
  const id = values.id as string | undefined;
  if (id !== undefined && !/^[\w.-]{1,128}$/.test(id)) throw new Error("--id is malformed");
  return {
    args: { config: need("config"), repo: need("repo"), mode, side, workDir: need("work-dir"), envFile: (values["env-file"] as string | undefined) ?? "" },
    worker: values.worker === true,
    id,
  };
}

const write = (s: string) => void process.stderr.write(s);
let worker = false;
try {
  const parsed = parse(process.argv.slice(2));
  worker = parsed.worker;
  if (worker) {
    const { runWorker } = await import("./worker.ts");
    await runWorker(parsed.args, parsed.id, write);
  } else {
    // Never hang the push, whatever happens below.
    setTimeout(() => process.exit(0), BUDGET_MS + 700).unref();
    const origin = typeof performance.timeOrigin === "number" && performance.timeOrigin > 0 ? performance.timeOrigin : Date.now();
    await runForeground(parsed.args, {
      readStdin,
      stderr: write,
      startWorker: spawnWorker,
      deadline: Math.min(origin + BUDGET_MS, Date.now() + BUDGET_MS),
    });
  }
} catch (err) {
  const message = printable(err instanceof Error ? err.message : String(err));
  write(worker ? `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "hook worker failed", error: message })}\n`
    : `git-bridge: the mirror hook failed (${message}); the push itself is fine\n`);
}
process.exit(0);
