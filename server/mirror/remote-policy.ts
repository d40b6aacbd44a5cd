// Where the bridge may send credentials: https only (unless allow_insecure_http), and no hosts on
// loopback, private, link-local or other special-purpose networks (unless allow_private_network)
// — a config or webhook must not turn the bridge into a way to reach internal services.
// A name is resolved here once; every address must pass (address-policy.ts), a name that does not
// resolve is refused (fail closed), and the checked addresses are handed back so the engine
// connects to exactly those (git: http.curloptResolve; isomorphic: a pinned lookup). Otherwise git
// would resolve the name a second time, and a DNS answer that changed in between (rebinding) would
// reach an address nobody checked.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { RemoteError, UnsafeInputError } from "../errors.ts";
import { classifyAddress, isBlockedAddress, isLocalName } from "./address-policy.ts";
import type { PinnedAddress } from "./git/types.ts";

export type ResolveHost = (host: string) => Promise<string[]>;

/** Every address the system resolver gives for a host (the default ResolveHost). */
export const systemResolveHost: ResolveHost = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export interface RemotePolicy {
  allowInsecureHttp: boolean;
  allowPrivateNetwork: boolean;
}

/**
 * Checks a remote URL against the policy. Returns the addresses to pin the connection to when a
 * host name was resolved for the check (undefined for literal addresses and for providers with
 * allow_private_network, which are not checked).
 */
export async function checkRemoteUrl(rawUrl: string, policy: RemotePolicy, resolve: ResolveHost): Promise<PinnedAddress | undefined> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UnsafeInputError(`remote URL ${JSON.stringify(rawUrl)} is not a valid URL: check base_url`);
  }
  if (url.username || url.password) {
    throw new UnsafeInputError("remote URLs must not carry credentials: put them under the provider's credentials");
  }
  if (url.protocol === "http:" && !policy.allowInsecureHttp) {
    throw new UnsafeInputError(`refusing plain http for ${url.host}: use https, or set allow_insecure_http: true on the provider`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UnsafeInputError(`unsupported remote scheme ${url.protocol} for ${url.host}: only https (and http when allowed) are used`);
  }
  if (policy.allowPrivateNetwork) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host) !== 0;
  if (!literal && isLocalName(host)) refuse(url, host, "loopback");
  let addresses: string[];
  if (literal) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw new RemoteError(
        `cannot resolve ${host} (${(err as { code?: string }).code ?? (err as Error).message}); the bridge checks a host's addresses before sending credentials, so it does not connect. Check the name and DNS`,
        { host },
      );
    }
    if (addresses.length === 0) throw new RemoteError(`cannot resolve ${host}: no addresses; the bridge does not connect to a host it could not check`, { host });
  }
  for (const a of addresses) {
    const verdict = classifyAddress(a);
    if (verdict.blocked) refuse(url, a, verdict.kind ?? "special-purpose");
  }
  if (literal) return undefined;
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return { host: url.hostname, port, addresses };
}

function refuse(url: URL, address: string, kind: string): never {
  throw new UnsafeInputError(
    `refusing ${url.host}: it resolves to ${address}, a ${kind} address (not a public one). Set allow_private_network: true on the provider if this host is meant to be internal`,
    { host: url.host, address, kind },
  );
}

/** Kept for callers and tests that only need a yes/no. */
export const isPrivateAddress = isBlockedAddress;
