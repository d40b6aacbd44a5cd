// A bridge in its own process, for the crash/restart tests (server-restart.test.ts):
//   node --import tsx test/integration/server-child.ts <config.yaml>
// Loads the config with the real loader (env from process.env), starts the bridge on 127.0.0.1:0,
// prints "listening <url>" on stdout, logs on stderr, and on SIGTERM stops it and exits 0.
import { loadConfig } from "../../server/config/index.ts";
import { startBridge } from "../../server/bridge.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: server-child.ts <config.yaml>");
const config = await loadConfig({ path, env: process.env });
const bridge = await startBridge({ config, port: 0, hostname: "127.0.0.1", write: (line) => process.stderr.write(line) });
process.stdout.write(`listening ${bridge.url}\n`);
process.once("SIGTERM", () => {
  void bridge.stop().then(() => process.exit(0));
});
