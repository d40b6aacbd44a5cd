// base_url rules: credentials belong under `credentials:`, not in a URL that ends up in logs;
// plain http sends them in clear text; a literal private address is probably a mistake (or an
// SSRF attempt through a config template) unless the provider says allow_private_network.
import { isIP } from "node:net";
import { classifyAddress, isLocalName } from "../mirror/address-policy.ts";

import type { ProviderConfig, ProviderType } from "./types.ts";

// AWS region names, e.g. eu-west-1, us-gov-west-1, cn-north-1: the region goes into a host name.
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The base URL a provider has when base_url is not set: GitHub's own, CodeCommit's from its region. */
export function defaultBaseUrl(type: ProviderType, region?: string): string | undefined {
  if (type === "github") return "https://github.com";
  if (type === "codecommit" && region !== undefined && REGION.test(region)) return `https://git-codecommit.${region}.amazonaws.com`;
  return undefined;
}

/** base_url as configured (no trailing "/"), else the type's default. */
export function providerBaseUrl(p: Pick<ProviderConfig, "type" | "baseUrl" | "region">): string | undefined {
  return p.baseUrl ? p.baseUrl.replace(/\/+$/, "") : defaultBaseUrl(p.type, p.region);
}

export interface BaseUrlFlags {
  allowInsecureHttp: boolean;
  allowPrivateNetwork: boolean;
}

/** The normalised URL (no trailing "/"), or `{ problem }` — the tail of "<path> …". */
export function checkBaseUrl(raw: string, flags: BaseUrlFlags): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `must be an http(s) URL such as https://git.example.com (got ${JSON.stringify(raw)})` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { problem: `must be an http(s) URL such as https://git.example.com (got ${url.protocol} URL)` };
  }
  if (url.username !== "" || url.password !== "") {
    return { problem: "must not contain credentials (user:password@); put them under credentials: instead" };
  }
  if (raw.includes("?") || raw.includes("#")) {
    return { problem: "must not contain a query (?…) or fragment (#…); give the plain instance URL" };
  }
  if (url.protocol === "http:" && !flags.allowInsecureHttp) {
    return {
      problem: "uses http:, which would send credentials in clear text; use https, " +
        "or set allow_insecure_http: true on this provider",
    };
  }
  const kind = flags.allowPrivateNetwork ? undefined : privateHostKind(url.hostname);
  if (kind !== undefined) {
    return {
      problem: `points at a ${kind} address (${url.hostname}), not a public one; ` +
        "set allow_private_network: true on this provider if that is intended",
    };
  }
  return { url: url.href.replace(/\/+$/, "") };
}

/** Literal hosts only (names are resolved, and checked, when connecting): what kind of address, if blocked. */
export function privateHostKind(hostname: string): string | undefined {
  if (isLocalName(hostname)) return "loopback";
  const h = hostname.replace(/^\[|\]$/g, "");
  if (isIP(h) === 0) return undefined;
  const verdict = classifyAddress(h);
  return verdict.blocked ? verdict.kind : undefined;
}

export const isPrivateHost = (hostname: string): boolean => privateHostKind(hostname) !== undefined;

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
