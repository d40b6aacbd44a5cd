// Follows the queue's journal file during a benchmark and, at the end, says which delivery ids it
// holds and for which job — the loss check (checkAcks) reads what reached the disk, not the
// queue's memory.
//
// A compaction replaces the file (temp file + rename) with a snapshot that keeps only the most
// recent delivery ids (the duplicate window), so the tail keeps the old file open, reads it to
// the end once the path points at a new file (the journal never writes to the old file after the
// rename), then follows the new one. The journal writes its records over zero-filled space, so the
// tail reads up to the first zero byte and resumes there. Bytes are only copied while the benchmark
// runs; parsing waits for stop().
import { type FileHandle, open, stat } from "node:fs/promises";

export interface JournalDeliveries {
  /** Delivery id → id of the job it was journaled with. */
  deliveries: Map<string, string>;
  /** Files read (1 + the compactions seen). */
  files: number;
  bytes: number;
  damagedLines: number;
}

export interface JournalTail {
  stop(): Promise<JournalDeliveries>;
}

export async function tailJournal(path: string, intervalMs = 250): Promise<JournalTail> {
  const files: Buffer[][] = [];
  let chunks: Buffer[] = [];
  let fd: FileHandle = await open(path, "r");
  let ino = (await fd.stat()).ino;
  let offset = 0;
  let busy: Promise<void> = Promise.resolve();
  const buf = Buffer.alloc(1 << 20);

  async function readToEnd(): Promise<void> {
    for (;;) {
      const { bytesRead } = await fd.read(buf, 0, buf.length, offset);
      // The journal keeps zero-filled space after its last record and writes new records over it:
      // stop at the first zero byte and read from there again next time.
      const end = buf.subarray(0, bytesRead).indexOf(0);
      const n = end === -1 ? bytesRead : end;
      if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
      offset += n;
      if (end !== -1 || bytesRead === 0) return;
    }
  }

  async function poll(): Promise<void> {
    // Stat the path before reading: if it already names a new file, the old one is complete.
    const now = await stat(path).catch(() => undefined);
    await readToEnd();
    if (now && now.ino !== ino) {
      await fd.close();
      files.push(chunks);
      chunks = [];
      fd = await open(path, "r");
      ino = (await fd.stat()).ino;
      offset = 0;
      await readToEnd();
    }
  }

  const timer = setInterval(() => {
    busy = busy.then(poll);
  }, intervalMs);

  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await poll();
      await fd.close();
      files.push(chunks);
      const deliveries = new Map<string, string>();
      let bytes = 0;
      let damagedLines = 0;
      for (const file of files) {
        const text = Buffer.concat(file).toString("utf8");
        bytes += text.length;
        for (const line of text.split("\n")) {
          if (line === "") continue;
          let r: { k?: string; job?: { id?: string }; j?: string; d?: string; ids?: Array<[string, string]> };
          try {
            r = JSON.parse(line);
          } catch {
            damagedLines++;
            continue;
          }
          if (r.k === "job" && typeof r.d === "string" && typeof r.job?.id === "string") deliveries.set(r.d, r.job.id);
          else if (r.k === "add" && typeof r.d === "string" && typeof r.j === "string") deliveries.set(r.d, r.j);
          else if (r.k === "dlv" && Array.isArray(r.ids)) for (const [d, id] of r.ids) deliveries.set(d, id);
        }
      }
      return { deliveries, files: files.length, bytes, damagedLines };
    },
  };
}

export interface AckCheck {
  /** Deliveries the clients were told are accepted. */
  acked: number;
  /** Acknowledged but not in the journal: lost. */
  missing: number;
  /** In the journal under another job than the client was told. */
  wrongJob: number;
  /** In the journal but never answered (in flight when a run stopped): harmless. */
  unanswered: number;
}

/** Compares what the clients were told (`<delivery id> <job id>` lines) with what is on disk. */
export function checkAcks(ackTexts: string[], journal: JournalDeliveries): AckCheck {
  const acked = new Map<string, string>();
  for (const text of ackTexts) {
    for (const line of text.split("\n")) {
      if (!line) continue;
      const [d, job] = line.split(" ");
      acked.set(d, job);
    }
  }
  let missing = 0, wrongJob = 0;
  for (const [d, job] of acked) {
    const onDisk = journal.deliveries.get(d);
    if (onDisk === undefined) missing++;
    else if (onDisk !== job) wrongJob++;
  }
  const unanswered = [...journal.deliveries.keys()].filter((d) => !acked.has(d)).length;
  return { acked: acked.size, missing, wrongJob, unanswered };
}
