// Runs the git CLI safely: credentials only through the environment, hardened config on every
// call, each call in its own process group so a timeout kills git and every helper it started.
import { spawn } from "node:child_process";
import { AuthError, BridgeError, RemoteError, TimeoutError } from "../../errors.ts";
import { processEnv } from "../../runtime/process-env.ts";
import { inheritedEnv, pinConfig } from "./git-env.ts";
import type { PinnedAddress, RemoteAuth } from "./types.ts";

export interface GitRun {
  args: string[];
  /** For commands that talk to a remote. */
  auth?: RemoteAuth;
  stdin?: string;
  signal?: AbortSignal;
  /** Exit codes that are answers, not failures (e.g. 1 from merge-base --is-ancestor or push). */
  okCodes?: number[];
  /** The remote's credential-free URL, named in error messages. */
  url?: string;
  /** Connect to these checked addresses only (Remote.pin). */
  pin?: PinnedAddress;
  /** The environment git's allow-listed variables come from (the engine's; default: the process's). */
  env?: Record<string, string | undefined>;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Config every git call gets, passed by GIT_CONFIG_COUNT so it outranks the user's files and never
// shows in argv. Only http(s) transports, no redirects (a redirect could hand our credentials to
// another host), no interactive prompts, and a credential helper that reads the environment.
const HARDENING: Array<[string, string]> = [
  ["protocol.allow", "never"],
  ["protocol.https.allow", "always"],
  ["protocol.http.allow", "always"],
  ["protocol.ext.allow", "never"],
  ["http.followRedirects", "false"],
  ["core.askPass", ""],
  ["credential.helper", ""],
  ["credential.interactive", "false"],
  ["push.followTags", "false"],
  ["fetch.writeCommitGraph", "false"],
  ["advice.pushUpdateRejected", "false"],
];
const HELPER =
  '!f() { test "$1" = get || exit 0; printf "username=%s\\npassword=%s\\n" "$GIT_BRIDGE_USERNAME" "$GIT_BRIDGE_PASSWORD"; }; f';

export function gitEnv(auth: RemoteAuth | undefined, base: Record<string, string | undefined>, pin?: PinnedAddress) {
  // An allow-list (git-env.ts): no other secret of the bridge, no GIT_* that could point git elsewhere.
  const env = inheritedEnv(base);
  const config = [...HARDENING];
  if (auth) config.push(["credential.helper", HELPER]);
  if (pin) config.push(pinConfig(pin));
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  env.GIT_CONFIG_COUNT = String(config.length);
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_ASKPASS = "";
  env.LC_ALL = "C";
  if (auth) {
    env.GIT_BRIDGE_USERNAME = auth.username;
    env.GIT_BRIDGE_PASSWORD = auth.password;
  }
  return env;
}

export function runGit(run: GitRun): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) return reject(abortError(run));
    const child = spawn("git", run.args, {
      env: gitEnv(run.auth, run.env ?? processEnv(), run.pin),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true, // own process group: a kill reaches git-remote-http and pack-objects too
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {});
    child.stdin.end(run.stdin ?? "");
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    run.signal?.addEventListener("abort", kill, { once: true });
    child.on("error", (e) => {
      run.signal?.removeEventListener("abort", kill);
      reject(new BridgeError("git_missing", `could not run git: ${e.message}. Install git or set git.engine: isomorphic`));
    });
    child.on("close", (code) => {
      run.signal?.removeEventListener("abort", kill);
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
      if (run.signal?.aborted) return reject(abortError(run));
      if (result.code === 0 || run.okCodes?.includes(result.code)) return resolve(result);
      reject(classify(run, result));
    });
  });
}

function abortError(run: GitRun): Error {
  const reason = run.signal?.reason;
  if (reason instanceof BridgeError) return reason;
  return new TimeoutError(`git ${run.args.find((a) => !a.startsWith("-")) ?? ""} was stopped: ${String(reason ?? "aborted")}`);
}

/** Turns git's stderr into an error a caller can act on. The text never contains credentials. */
export function classify(run: GitRun, r: GitResult): BridgeError {
  const where = run.url ? ` (${run.url})` : "";
  const text = r.stderr.trim().split("\n").filter((l) => !/^(hint|remote: Counting|remote: Compressing)/.test(l)).join("\n");
  if (/Authentication failed|could not read (Username|Password)|returned error: 40[13]\b|HTTP Basic: Access denied|terminal prompts disabled/i.test(text)) {
    return new AuthError(`authentication failed${where}: check the provider's credentials (token or git_username/git_password) and that they can access this repository`, { stderr: text });
  }
  if (/returned error: 404|repository .* not found|not found/i.test(text)) {
    return new AuthError(`repository not found${where}: check source_path/target_path and that the credentials can see it`, { stderr: text });
  }
  if (/returned error: 30[1278]|redirect/i.test(text)) {
    return new RemoteError(`the remote answered with a redirect${where}, which the bridge does not follow: set base_url to the final address`, { stderr: text });
  }
  if (/Could not resolve host|Failed to connect|Connection refused|Connection reset|Recv failure|Empty reply|timed out|returned error: 5\d\d|unable to access|RPC failed|early EOF|unexpected disconnect/i.test(text)) {
    return new RemoteError(`remote unreachable${where}: ${lastLine(text)}`, { stderr: text });
  }
  return new BridgeError("git", `git ${run.args.find((a) => !a.startsWith("-")) ?? ""} failed${where}: ${lastLine(text) || `exit ${r.code}`}`, { stderr: text });
}

const lastLine = (s: string) => s.split("\n").filter(Boolean).pop() ?? "";
