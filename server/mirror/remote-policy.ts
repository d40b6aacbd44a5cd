// Where the bridge may send credentials: https only (unless allow_insecure_http), and no hosts on
// loopback, private or link-local networks (unless allow_private_network) — a config or webhook
// must not turn the bridge into a way to reach internal services.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { UnsafeInputError } from "../errors.ts";

export type ResolveHost = (host: string) => Promise<string[]>;

/** Every address the system resolver gives for a host (the default ResolveHost). */
export const systemResolveHost: ResolveHost = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export interface RemotePolicy {
  allowInsecureHttp: boolean;
  allowPrivateNetwork: boolean;
}

export async function checkRemoteUrl(rawUrl: string, policy: RemotePolicy, resolve: ResolveHost): Promise<void> {
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
  if (policy.allowPrivateNetwork) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => [] as string[]);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked) {
    throw new UnsafeInputError(
      `refusing ${url.host}: it resolves to ${blocked}, a loopback, private or link-local address. Set allow_private_network: true on the provider if this host is meant to be internal`,
    );
  }
}

export function isPrivateAddress(ip: string): boolean {
  const v4 = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split(".").map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v6 = ip.toLowerCase();
  return v6 === "::" || v6 === "::1" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith("ff");
}
