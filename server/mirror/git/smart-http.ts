// Git smart-HTTP protocol v0/v1 client (gitprotocol-http, gitprotocol-pack): ref discovery,
// one upload-pack exchange (wants, haves, done) and one receive-pack exchange (all commands, one
// pack, report-status). Stateless: each call is one HTTP request.
import { RemoteError } from "../../errors.ts";
import { concatBytes, demuxSideBand, FLUSH_PKT, pktLine, pktText, readPkt, readPkts } from "./pkt-line.ts";
import { displayUrl, type FetchFn, httpCall } from "./smart-http-transport.ts";
import type { Remote } from "./types.ts";

export type Service = "git-upload-pack" | "git-receive-pack";

export const ZERO_OID = "0000000000000000000000000000000000000000";

export interface Advertisement {
  /** Ref name → advertised (unpeeled) oid; `^{}` peel lines and HEAD-less empty repos left out. */
  refs: Map<string, string>;
  caps: Set<string>;
}

const decoder = new TextDecoder();

/** Parses an info/refs body: optional `# service=` block, refs with capabilities after NUL. */
export function parseAdvertisement(body: Uint8Array, service: Service): Advertisement {
  const refs = new Map<string, string>();
  const caps = new Set<string>();
  let at = 0;
  const first = readPkt(body, 0);
  if (first?.kind === "data" && pktText(first.payload).startsWith("# service=")) {
    if (pktText(first.payload) !== `# service=${service}`) {
      throw new RemoteError(`remote answered for ${pktText(first.payload).slice(10)} instead of ${service}`);
    }
    at = first.end;
    // The service line is followed by a flush before the ref list.
    const flush = readPkt(body, at);
    if (flush?.kind === "flush") at = flush.end;
  }
  let sawCaps = false;
  for (const pkt of readPkts(body, at)) {
    if (pkt.kind === "flush") break;
    if (pkt.kind !== "data") continue;
    let line = pktText(pkt.payload);
    if (line.startsWith("ERR ")) throw new RemoteError(`remote error: ${line.slice(4)}`);
    if (line === "version 1") continue;
    if (line.startsWith("version ")) throw new RemoteError(`remote speaks git protocol ${line}; expected v0/v1`);
    if (!sawCaps) {
      sawCaps = true;
      const nul = line.indexOf("\0");
      if (nul >= 0) {
        for (const c of line.slice(nul + 1).split(" ")) if (c) caps.add(c);
        line = line.slice(0, nul);
      }
    }
    const m = /^([0-9a-f]{40}) (.+)$/.exec(line);
    if (!m) throw new RemoteError(`unexpected line in ref advertisement: ${JSON.stringify(line.slice(0, 80))}`);
    // An empty repository advertises `<zero-id> capabilities^{}`; annotated tags add `x^{}` lines.
    if (m[2].endsWith("^{}")) continue;
    refs.set(m[2], m[1]);
  }
  const format = [...caps].find((c) => c.startsWith("object-format="));
  if (format && format !== "object-format=sha1") {
    throw new RemoteError(`remote uses ${format}; the isomorphic engine supports SHA-1 repositories only`);
  }
  return { refs, caps };
}

/** GET info/refs for a service. */
export async function discover(
  fetchFn: FetchFn,
  remote: Remote,
  service: Service,
  signal?: AbortSignal,
): Promise<Advertisement> {
  const reply = await httpCall(fetchFn, remote, {
    method: "GET",
    path: `/info/refs?service=${service}`,
    accept: `application/x-${service}-advertisement`,
    signal,
  });
  if (!reply.contentType.startsWith(`application/x-${service}-advertisement`)) {
    throw new RemoteError(
      `${displayUrl(remote.url)} is not a git smart-HTTP endpoint (content-type ${reply.contentType || "none"})`,
    );
  }
  return parseAdvertisement(reply.body, service);
}

/** Capabilities we ask for, limited to what the server offered (agent only in reply to its own). */
function pick(adv: Advertisement, wanted: string[]): string[] {
  const agent = [...adv.caps].some((c) => c.startsWith("agent=")) ? ["agent=git-bridge"] : [];
  return [...wanted.filter((c) => adv.caps.has(c)), ...agent];
}

/**
 * One stateless upload-pack exchange: all wants, all haves, `done`. No thin pack is requested, so
 * the returned pack is self-contained and can be indexed without outside bases.
 */
export async function uploadPack(
  fetchFn: FetchFn,
  remote: Remote,
  adv: Advertisement,
  wants: string[],
  haves: string[],
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const band = adv.caps.has("side-band-64k") ? "side-band-64k" : adv.caps.has("side-band") ? "side-band" : "";
  const caps = [...(band ? [band] : []), ...pick(adv, ["ofs-delta", "no-progress"])];
  const parts: Uint8Array[] = [];
  wants.forEach((oid, i) => parts.push(pktLine(i === 0 ? `want ${oid} ${caps.join(" ")}\n` : `want ${oid}\n`)));
  parts.push(FLUSH_PKT);
  for (const oid of haves) parts.push(pktLine(`have ${oid}\n`));
  parts.push(pktLine("done\n"));
  const reply = await httpCall(fetchFn, remote, {
    method: "POST",
    path: "/git-upload-pack",
    body: concatBytes(parts),
    contentType: "application/x-git-upload-pack-request",
    accept: "application/x-git-upload-pack-result",
    signal,
  });
  const body = reply.body;
  // Negotiation lines (ACK/NAK) come first, outside the side-band; then the pack.
  let at = 0;
  for (;;) {
    if (isPackMagic(body, at)) break;
    const pkt = readPkt(body, at);
    if (!pkt) throw new RemoteError("remote ended the upload-pack response before sending a pack");
    if (pkt.kind !== "data") {
      at = pkt.end;
      continue;
    }
    const text = pkt.payload[0] < 4 ? "" : pktText(pkt.payload);
    if (text.startsWith("ERR ")) throw new RemoteError(`remote error: ${text.slice(4)}`);
    if (text === "NAK" || text.startsWith("ACK ")) {
      at = pkt.end;
      continue;
    }
    break;
  }
  const pack = band ? demuxSideBand(body, at).data : body.subarray(at);
  if (!isPackMagic(pack, 0)) throw new RemoteError("remote sent no pack data for the requested refs");
  return pack;
}

function isPackMagic(buf: Uint8Array, at: number): boolean {
  return buf[at] === 0x50 && buf[at + 1] === 0x41 && buf[at + 2] === 0x43 && buf[at + 3] === 0x4b;
}

export interface RefCommand {
  ref: string;
  oldOid: string;
  newOid: string;
}

export interface ReportStatus {
  /** "ok" or the unpacker's error. */
  unpack: string;
  refs: Map<string, { ok: boolean; reason?: string }>;
}

/** One receive-pack request carrying every command and (unless all are deletes) one pack. */
export async function receivePack(
  fetchFn: FetchFn,
  remote: Remote,
  adv: Advertisement,
  commands: RefCommand[],
  pack: Uint8Array | undefined,
  signal?: AbortSignal,
): Promise<ReportStatus> {
  const hasDelete = commands.some((c) => c.newOid === ZERO_OID);
  const caps = pick(adv, ["report-status", "side-band-64k", "ofs-delta", "quiet", ...(hasDelete ? ["delete-refs"] : [])]);
  const parts: Uint8Array[] = [];
  commands.forEach((c, i) => {
    const line = `${c.oldOid} ${c.newOid} ${c.ref}`;
    parts.push(pktLine(i === 0 ? `${line}\0${caps.join(" ")}` : line));
  });
  parts.push(FLUSH_PKT);
  if (pack) parts.push(pack);
  const reply = await httpCall(fetchFn, remote, {
    method: "POST",
    path: "/git-receive-pack",
    body: concatBytes(parts),
    contentType: "application/x-git-receive-pack-request",
    accept: "application/x-git-receive-pack-result",
    signal,
  });
  if (!adv.caps.has("report-status")) {
    // Without report-status the only signal is a successful HTTP exchange.
    return { unpack: "ok", refs: new Map(commands.map((c) => [c.ref, { ok: true }])) };
  }
  const data = adv.caps.has("side-band-64k") ? demuxSideBand(reply.body, 0).data : reply.body;
  return parseReportStatus(data);
}

/** report-status: `unpack ok|<error>`, then `ok <ref>` or `ng <ref> <reason>` per command. */
export function parseReportStatus(data: Uint8Array): ReportStatus {
  const status: ReportStatus = { unpack: "", refs: new Map() };
  for (const pkt of readPkts(data)) {
    if (pkt.kind === "flush") break;
    if (pkt.kind !== "data") continue;
    const line = pktText(pkt.payload);
    if (line.startsWith("unpack ")) status.unpack = line.slice(7);
    else if (line.startsWith("ok ")) status.refs.set(line.slice(3), { ok: true });
    else if (line.startsWith("ng ")) {
      const rest = line.slice(3);
      const sp = rest.indexOf(" ");
      const ref = sp < 0 ? rest : rest.slice(0, sp);
      status.refs.set(ref, { ok: false, reason: sp < 0 ? "rejected" : rest.slice(sp + 1) });
    }
  }
  if (!status.unpack) {
    const text = decoder.decode(data.subarray(0, 120));
    throw new RemoteError(`remote sent no report-status for the push (got ${JSON.stringify(text)})`);
  }
  return status;
}
