// Git pkt-line framing (gitprotocol-common "pkt-line Format") and side-band demultiplexing
// (gitprotocol-pack "side-band, side-band-64k"). Pure functions over byte arrays.
import { RemoteError } from "../../errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Largest pkt-line git accepts: 4 length bytes + 65516 payload bytes. */
export const MAX_PKT = 65520;
export const FLUSH_PKT: Uint8Array = encoder.encode("0000");

/** Frames one payload: four lowercase hex digits of the total length, then the payload. */
export function pktLine(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const total = body.length + 4;
  if (total > MAX_PKT) throw new RangeError(`pkt-line payload of ${body.length} bytes is too long`);
  const out = new Uint8Array(total);
  out.set(encoder.encode(total.toString(16).padStart(4, "0")), 0);
  out.set(body, 4);
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Pkt {
  /** "flush" = 0000, "delim" = 0001, "response-end" = 0002 (v2 only), else "data". */
  kind: "data" | "flush" | "delim" | "response-end";
  payload: Uint8Array;
  /** Offset just past this packet in the buffer. */
  end: number;
}

/** Reads one packet at `offset`; undefined at the end of the buffer. */
export function readPkt(buf: Uint8Array, offset: number): Pkt | undefined {
  if (offset >= buf.length) return undefined;
  if (offset + 4 > buf.length) throw malformed("truncated length");
  const hex = decoder.decode(buf.subarray(offset, offset + 4));
  if (!/^[0-9a-f]{4}$/i.test(hex)) throw malformed("bad length");
  const len = parseInt(hex, 16);
  const empty = new Uint8Array(0);
  if (len === 0) return { kind: "flush", payload: empty, end: offset + 4 };
  if (len === 1) return { kind: "delim", payload: empty, end: offset + 4 };
  if (len === 2) return { kind: "response-end", payload: empty, end: offset + 4 };
  if (len < 4 || offset + len > buf.length) throw malformed("truncated packet");
  return { kind: "data", payload: buf.subarray(offset + 4, offset + len), end: offset + len };
}

/** Every packet from `offset` to the end of the buffer. */
export function* readPkts(buf: Uint8Array, offset = 0): Generator<Pkt> {
  let at = offset;
  for (;;) {
    const pkt = readPkt(buf, at);
    if (!pkt) return;
    yield pkt;
    at = pkt.end;
  }
}

/** A packet's payload as text without its trailing newline (pkt-lines may or may not carry one). */
export function pktText(payload: Uint8Array): string {
  const text = decoder.decode(payload);
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

export interface SideBandResult {
  /** Band 1, concatenated. */
  data: Uint8Array;
  /** Band 2 (progress) text, for diagnostics only. */
  progress: string;
}

/**
 * Demultiplexes side-band packets from `offset` until a flush or the end of the buffer. Band 3 is
 * the remote's fatal error: it is raised as a RemoteError carrying the remote's text.
 */
export function demuxSideBand(buf: Uint8Array, offset: number): SideBandResult {
  const data: Uint8Array[] = [];
  let progress = "";
  for (const pkt of readPkts(buf, offset)) {
    if (pkt.kind === "flush") break;
    if (pkt.kind !== "data" || pkt.payload.length === 0) continue;
    const band = pkt.payload[0];
    const body = pkt.payload.subarray(1);
    if (band === 1) data.push(body);
    else if (band === 2) progress += decoder.decode(body);
    else if (band === 3) throw new RemoteError(`remote error: ${decoder.decode(body).trim()}`);
    else throw malformed(`unknown side-band ${band}`);
  }
  return { data: concatBytes(data), progress };
}

function malformed(what: string): RemoteError {
  return new RemoteError(`malformed pkt-line from remote (${what}): is this a git smart-HTTP server?`);
}
