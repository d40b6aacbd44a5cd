// base_url rules: credentials belong under `credentials:`, not in a URL that ends up in logs;
// plain http sends them in clear text; a literal private address is probably a mistake (or an
// SSRF attempt through a config template) unless the provider says allow_private_network.

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
  if (!flags.allowPrivateNetwork && isPrivateHost(url.hostname)) {
    return {
      problem: `points at a private, loopback or link-local address (${url.hostname}); ` +
        "set allow_private_network: true on this provider if that is intended",
    };
  }
  return { url: url.href.replace(/\/+$/, "") };
}

/** Literal hosts only (names are resolved, and checked, when connecting). */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const v4 = parseIPv4(h);
  if (v4) return isPrivateV4(v4);
  if (!h.includes(":")) return false;
  if (h === "::1" || h === "::") return true;
  if (/^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h)) return true; // fc00::/7, fe80::/10
  // IPv4-mapped (::ffff:a.b.c.d); WHATWG URL prints it as ::ffff:7f00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return isPrivateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) return isPrivateV4(parseIPv4(dotted[1]) ?? [0, 0, 0, 0]);
  return false;
}

function parseIPv4(h: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : undefined;
}

function isPrivateV4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
