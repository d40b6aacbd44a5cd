// What a git child may see of the bridge's environment. The bridge's own environment holds every
// secret of every provider (tokens, webhook secrets, the Slack URL); git needs none of them. It
// gets only what finds programs and files, speaks the locale, reaches the network through the
// operator's proxy and trusts the operator's CA bundle — and, added by gitEnv, the credentials of
// the one remote it talks to.
import type { PinnedAddress } from "./types.ts";

const PASSED = new Set([
  "PATH",
  "HOME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  // A private CA: curl and OpenSSL read these (GIT_SSL_CAINFO is a GIT_ variable and is not passed).
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "CURL_CA_BUNDLE",
]);

/** The subset of `base` passed to git: see PASSED, plus every LC_* locale variable. */
export function inheritedEnv(base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && (PASSED.has(k) || k.startsWith("LC_"))) env[k] = v;
  }
  return env;
}

/**
 * `http.curloptResolve` (git 2.37+) for a pinned remote: curl connects to the checked addresses
 * and never asks DNS for this host and port again. Older git ignores the key, and then resolves
 * the name itself (see gitPinSupport).
 */
export function pinConfig(pin: PinnedAddress): [string, string] {
  const host = pin.host.replace(/^\[|\]$/g, "");
  const addrs = pin.addresses.map((a) => (a.includes(":") ? `[${a}]` : a)).join(",");
  return ["http.curloptResolve", `${host}:${pin.port}:${addrs}`];
}

/** git's version as [major, minor, patch] from `git --version` output; undefined if unrecognised. */
export function parseGitVersion(text: string): [number, number, number] | undefined {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** http.curloptResolve arrived in git 2.37.0. */
export function supportsCurloptResolve(v: [number, number, number]): boolean {
  return v[0] > 2 || (v[0] === 2 && v[1] >= 37);
}
