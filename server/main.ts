// `git-bridge serve`: the composition root. Reads the environment once, loads the config (or the
// embedded demo), starts the bridge, and shuts down cleanly on SIGTERM/SIGINT with exit 0.
import { resolve } from "node:path";
import { parse } from "../scripts/commands/args.ts";
import type { CliIo } from "../scripts/commands/io.ts";
import { loadFor } from "../scripts/commands/load.ts";
import { startBridge } from "./bridge.ts";
import { prepareDemo } from "./demo/demo.ts";
import { currentRuntime } from "./runtime/index.ts";

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: "string" }, host: { type: "string" } });
  const configPath = (values.config as string | undefined) ?? io.env.CONFIG_PATH;
  const demo = configPath ? undefined : await prepareDemo(resolve(io.cwd, io.env.WORK_DIR ?? "data"), io.env);
  const config = demo ? demo.config : await loadFor(io, configPath);
  const bridge = await startBridge({
    config,
    port: config.server.port,
    // The demo's git server takes anonymous pushes: keep everything on loopback.
    hostname: (values.host as string | undefined) ?? (demo ? "127.0.0.1" : "0.0.0.0"),
    write: io.stderr,
    env: io.env,
  });
  if (demo) io.stdout(demo.instructions(bridge.url));

  const runtime = await currentRuntime();
  const signal = await new Promise<string>((done) => runtime.onShutdownSignal(done));
  bridge.log.info("shutting down", { signal });
  await bridge.stop();
  await demo?.close();
  return 0;
}
