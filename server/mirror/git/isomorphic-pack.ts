// Writes a pack (gitformat-pack v2) of whole objects. isomorphic-git's packObjects() deflates each
// object through a CompressionStream, which cost ~1 s for 1,500 small objects; node:zlib's
// synchronous deflate does the same in a few milliseconds. Objects are not deltified.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { ObjectStore, ObjectType } from "./isomorphic-objects.ts";

const TYPE_CODE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

/** Object header: type in bits 4-6 of the first byte, size as a little-endian base-128 varint. */
function objectHeader(type: ObjectType, size: number): Uint8Array {
  const bytes: number[] = [];
  let byte = (TYPE_CODE[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Uint8Array.from(bytes);
}

export async function writePack(store: ObjectStore, oids: string[]): Promise<Uint8Array<ArrayBuffer>> {
  const hash = createHash("sha1");
  const parts: Uint8Array[] = [];
  const add = (b: Uint8Array) => {
    parts.push(b);
    hash.update(b);
  };
  const head = Buffer.alloc(12);
  head.write("PACK", 0, "latin1");
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(oids.length, 8);
  add(head);
  for (const oid of oids) {
    const obj = await store.read(oid);
    if (!obj) throw new Error(`object ${oid} is missing from the cache`);
    add(objectHeader(obj.type, obj.content.length));
    add(deflateSync(obj.content));
  }
  parts.push(hash.digest());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
