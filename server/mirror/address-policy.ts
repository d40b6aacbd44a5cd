// Which IP addresses the bridge may send credentials to: the pure classifier behind both the
// config check (a literal address in base_url) and the sync-time check (every address a name
// resolves to). Ranges live in net.BlockList (Node, Deno and Bun all have it); addresses that
// carry an IPv4 address inside an IPv6 one (IPv4-mapped, NAT64, 6to4) are judged by the IPv4
// address they reach, so `[64:ff9b::7f00:1]` is loopback and `[64:ff9b::8.8.8.8]` is not.
import { BlockList, isIP } from "node:net";

export interface AddressVerdict {
  blocked: boolean;
  /** What kind of address it is when blocked ("loopback", "cloud metadata", …). */
  kind?: string;
  /** The IPv4 address an IPv6 address leads to (mapped, NAT64, 6to4), when there is one. */
  via?: string;
}

type Range = [kind: string, network: string, prefix: number];

// RFC 6890 special-purpose registries, plus the addresses clouds serve instance credentials on.
const V4: Range[] = [
  ["cloud metadata", "169.254.169.254", 32], // AWS, GCP, Azure, OpenStack, DigitalOcean
  ["cloud metadata", "169.254.170.2", 32], // AWS ECS task credentials
  ["cloud metadata", "100.100.100.200", 32], // Alibaba Cloud
  ["cloud metadata", "192.0.0.192", 32], // Oracle Cloud
  ["cloud metadata", "168.63.129.16", 32], // Azure WireServer (a public-range address, internal in Azure)
  ["unspecified or this-network", "0.0.0.0", 8],
  ["private", "10.0.0.0", 8],
  ["shared (CGNAT)", "100.64.0.0", 10],
  ["loopback", "127.0.0.0", 8],
  ["link-local", "169.254.0.0", 16],
  ["private", "172.16.0.0", 12],
  ["IETF protocol assignment", "192.0.0.0", 24],
  ["documentation", "192.0.2.0", 24],
  ["6to4 relay anycast", "192.88.99.0", 24],
  ["private", "192.168.0.0", 16],
  ["benchmarking", "198.18.0.0", 15],
  ["documentation", "198.51.100.0", 24],
  ["documentation", "203.0.113.0", 24],
  ["multicast", "224.0.0.0", 4],
  ["reserved", "240.0.0.0", 4], // includes 255.255.255.255
];

const V6: Range[] = [
  ["cloud metadata", "fd00:ec2::254", 128], // AWS IMDS over IPv6
  ["loopback", "::1", 128],
  ["unspecified", "::", 128],
  ["IPv4-compatible (deprecated)", "::", 96], // ::a.b.c.d, never routed on the internet
  ["discard-only", "100::", 64],
  ["local-use NAT64", "64:ff9b:1::", 48], // RFC 8215: translates to whatever the site chooses
  ["Teredo", "2001::", 32], // the client's IPv4 address is obfuscated, so it cannot be checked
  ["ORCHID", "2001:10::", 28],
  ["documentation", "2001:db8::", 32],
  ["documentation", "3fff::", 20],
  ["unique local (private)", "fc00::", 7], // includes fd00:ec2::/32
  ["link-local", "fe80::", 10],
  ["site-local (deprecated)", "fec0::", 10],
  ["multicast", "ff00::", 8],
];

function blockLists(ranges: Range[], family: "ipv4" | "ipv6"): Array<[string, BlockList]> {
  const byKind = new Map<string, BlockList>();
  for (const [kind, net, prefix] of ranges) {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = new BlockList()));
    list.addSubnet(net, prefix, family);
  }
  return [...byKind];
}
const V4_LISTS = blockLists(V4, "ipv4");
const V6_LISTS = blockLists(V6, "ipv6");

/** The verdict for one literal IP address (v4 or v6, brackets allowed). Anything else is blocked. */
export function classifyAddress(input: string): AddressVerdict {
  const ip = input.replace(/^\[|\]$/g, "");
  const family = isIP(ip);
  if (family === 4) return classifyV4(ip);
  if (family !== 6) return { blocked: true, kind: "not an IP address" };
  const groups = ipv6Groups(ip);
  if (!groups) return { blocked: true, kind: "not an IP address" };
  const embedded = embeddedV4(groups);
  if (embedded) {
    const inner = classifyV4(embedded.v4);
    return inner.blocked ? { blocked: true, kind: `${inner.kind} via ${embedded.how}`, via: embedded.v4 } : { blocked: false, via: embedded.v4 };
  }
  for (const [kind, list] of V6_LISTS) if (list.check(ip, "ipv6")) return { blocked: true, kind };
  return { blocked: false };
}

export const isBlockedAddress = (ip: string): boolean => classifyAddress(ip).blocked;

function classifyV4(ip: string): AddressVerdict {
  for (const [kind, list] of V4_LISTS) if (list.check(ip, "ipv4")) return { blocked: true, kind };
  return { blocked: false };
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** IPv6 forms that lead to an IPv4 address the bridge can judge. */
function embeddedV4(g: number[]): { v4: string; how: string } | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return { v4: v4Of(g[6], g[7]), how: "IPv4-mapped IPv6" };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { v4: v4Of(g[6], g[7]), how: "IPv4-translated IPv6" };
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { v4: v4Of(g[6], g[7]), how: "NAT64 (64:ff9b::/96)" };
  if (g[0] === 0x2002) return { v4: v4Of(g[1], g[2]), how: "6to4 (2002::/16)" };
  return undefined;
}

/** Eight 16-bit groups, or undefined when `ip` is not a plain IPv6 address (zone ids included). */
export function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  if (text.includes("%")) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const p = dotted[1].split(".").map(Number);
    if (p.some((n) => n > 255)) return undefined;
    text = text.slice(0, dotted.index) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s === "" ? [] : s.split(":").map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)));
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.some(Number.isNaN) ? undefined : groups;
}

/** Host names that always mean this machine, whatever DNS says. */
export function isLocalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}
