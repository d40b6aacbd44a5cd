// The installed git's version, read once, to say at start-up what the address pin does not cover.
import { spawn } from "node:child_process";
import { parseGitVersion, supportsCurloptResolve } from "./git-env.ts";

function gitVersionText(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn("git", ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.on("error", () => resolve(""));
    child.on("close", () => resolve(out));
  });
}

/** A warning for the log when git cannot be pinned to the checked address, else undefined. */
export async function pinningWarning(versionText: Promise<string> = gitVersionText()): Promise<string | undefined> {
  const text = await versionText;
  const v = parseGitVersion(text);
  if (v && supportsCurloptResolve(v)) return undefined;
  return `${text.trim() || "this git"} is older than 2.37, which lacks http.curloptResolve: git resolves each remote ` +
    "host again after the bridge checked its addresses, so a DNS answer that changes in between (DNS rebinding) is " +
    "not caught for providers without allow_private_network. Upgrade git, or set git.engine: isomorphic, which connects " +
    "only to the checked addresses";
}
