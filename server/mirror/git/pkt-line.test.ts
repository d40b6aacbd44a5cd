import { test } from "node:test";
import assert from "node:assert/strict";
import { concatBytes, demuxSideBand, FLUSH_PKT, pktLine, pktText, readPkts } from "./pkt-line.ts";
import { parseAdvertisement, parseReportStatus } from "./smart-http.ts";
import { RemoteError } from "../../errors.ts";

const text = (s: string) => new TextEncoder().encode(s);
const band = (n: number, s: string) => pktLine(concatBytes([new Uint8Array([n]), text(s)]));

test("pkt-line round trip, flush and unicode payloads", () => {
  assert.deepEqual(pktLine("a\n"), text("0006a\n"));
  const buf = concatBytes([pktLine("want fünf\n"), FLUSH_PKT, pktLine("done")]);
  const pkts = [...readPkts(buf)];
  assert.deepEqual(pkts.map((p) => p.kind), ["data", "flush", "data"]);
  assert.equal(pktText(pkts[0].payload), "want fünf");
  assert.equal(pktText(pkts[2].payload), "done");
  assert.throws(() => [...readPkts(text("00zz"))], RemoteError);
  assert.throws(() => [...readPkts(text("0010abc"))], RemoteError);
});

test("side-band demux keeps band 1, drops progress, raises band 3", () => {
  const buf = concatBytes([band(2, "Counting\n"), band(1, "PA"), band(1, "CK"), FLUSH_PKT, band(1, "ignored")]);
  const r = demuxSideBand(buf, 0);
  assert.equal(new TextDecoder().decode(r.data), "PACK");
  assert.equal(r.progress, "Counting\n");
  assert.throws(() => demuxSideBand(band(3, "disk full"), 0), /disk full/);
});

test("advertisement: service header, capabilities, peeled lines, empty repository", () => {
  const a = "a".repeat(40);
  const b = "b".repeat(40);
  const body = concatBytes([
    pktLine("# service=git-upload-pack\n"),
    FLUSH_PKT,
    pktLine(`${a} HEAD\0side-band-64k ofs-delta symref=HEAD:refs/heads/main\n`),
    pktLine(`${a} refs/heads/main\n`),
    pktLine(`${b} refs/tags/v1\n`),
    pktLine(`${a} refs/tags/v1^{}\n`),
    FLUSH_PKT,
  ]);
  const adv = parseAdvertisement(body, "git-upload-pack");
  assert.deepEqual([...adv.refs], [["HEAD", a], ["refs/heads/main", a], ["refs/tags/v1", b]]);
  assert.ok(adv.caps.has("side-band-64k") && adv.caps.has("ofs-delta"));
  const empty = concatBytes([
    pktLine("# service=git-receive-pack\n"),
    FLUSH_PKT,
    pktLine(`${"0".repeat(40)} capabilities^{}\0report-status delete-refs\n`),
    FLUSH_PKT,
  ]);
  const e = parseAdvertisement(empty, "git-receive-pack");
  assert.equal(e.refs.size, 0);
  assert.ok(e.caps.has("delete-refs"));
  assert.throws(() => parseAdvertisement(empty, "git-upload-pack"), RemoteError);
});

test("report-status: ok, ng with reason, unpack error", () => {
  const r = parseReportStatus(
    concatBytes([pktLine("unpack ok\n"), pktLine("ok refs/heads/a\n"), pktLine("ng refs/heads/b pre-receive hook declined\n"), FLUSH_PKT]),
  );
  assert.equal(r.unpack, "ok");
  assert.deepEqual(r.refs.get("refs/heads/a"), { ok: true });
  assert.deepEqual(r.refs.get("refs/heads/b"), { ok: false, reason: "pre-receive hook declined" });
  assert.throws(() => parseReportStatus(FLUSH_PKT), RemoteError);
});
