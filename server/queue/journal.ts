// An append-only JSON-lines journal with group commit: every append waits for write + fdatasync,
// and all appends that arrive while one write is in flight share the next write and the next sync.
// So a request is acknowledged only once it is on disk, yet hundreds of requests a second cost a
// handful of syncs. Compaction rewrites the file from a snapshot of the live state (temp file,
// fsync, rename, fsync of the directory) so it does not grow forever. Records are written over
// zero-filled space kept at the end of the file (see PREALLOCATE_BYTES); a reader stops at the
// first zero byte, which JSON text never contains (JSON.stringify escapes U+0000).
import * as nodeFs from "node:fs/promises";
import { dirname } from "node:path";

/** The part of a node:fs/promises FileHandle the journal uses (Node, Deno and Bun all provide it). */
export interface JournalFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of node:fs/promises the journal uses; tests pass a spy. */
export interface JournalFs {
  open(path: string, flags: string): Promise<JournalFile>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, opts: { recursive: true }): Promise<unknown>;
  rm(path: string, opts: { force: true }): Promise<void>;
}

export const defaultJournalFs: JournalFs = nodeFs as unknown as JournalFs;

export interface Journal {
  /** Resolves once the record is written and synced; rejects if the journal cannot be written. */
  append(record: unknown): Promise<void>;
  /** Resolves once everything appended so far is durable. */
  flushed(): Promise<void>;
  /** Rewrites the file from snapshot(); the snapshot replaces everything appended before it. */
  compact(): Promise<void>;
  /** Flushes what is pending and closes the file; later appends reject. */
  close(): Promise<void>;
  /** Bytes in the current file. */
  size(): number;
  /** The error that broke the journal (a failed write or sync), if any. */
  failure(): Error | undefined;
}

export interface JournalOptions {
  path: string;
  fs?: JournalFs;
  /** The records that describe the live state; called synchronously when a compaction starts. */
  snapshot: () => unknown[];
  /** Compact when the file passes this size and has doubled since the last compaction. */
  compactAtBytes?: number;
  /** Zero-filled space kept after the records (PREALLOCATE_BYTES). */
  preallocateBytes?: number;
  onError?: (err: Error) => void;
}

/**
 * The file is kept zero-filled this far past its last record. Records then overwrite blocks that
 * already exist, so an fdatasync flushes the data alone: appending would change the file's size
 * and block map as well, and each sync would wait for a filesystem journal commit (ext4, xfs).
 * The same reason databases pre-fill their write-ahead logs.
 */
export const PREALLOCATE_BYTES = 1024 * 1024;

export class JournalClosedError extends Error {
  constructor(path: string) {
    super(`the queue journal ${path} is closed`);
    this.name = "JournalClosedError";
  }
}

/**
 * Reads every complete record. A torn last line (a crash in the middle of a write, never
 * acknowledged) is dropped; a damaged line elsewhere is reported through onBadLine and skipped.
 */
export async function readJournal(
  path: string,
  fs: JournalFs = defaultJournalFs,
  onBadLine: (lineNo: number, text: string) => void = () => {},
): Promise<unknown[]> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
  const end = text.indexOf("\0"); // the zero-filled space after the last record
  const lines = (end === -1 ? text : text.slice(0, end)).split("\n");
  const out: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line));
    } catch {
      const torn = i === lines.length - 1; // no newline after it: the write never completed
      if (!torn) onBadLine(i + 1, line.slice(0, 200));
    }
  });
  return out;
}

/** The records that share one write and one fdatasync, and the promise all their appenders await. */
interface Batch {
  lines: string[];
  /** Rewrite the file from the snapshot instead (which covers `lines`). */
  compact: boolean;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newBatch(): Batch {
  const b = { lines: [], compact: false } as unknown as Batch;
  b.done = new Promise<void>((resolve, reject) => {
    b.resolve = resolve;
    b.reject = reject;
  });
  b.done.catch(() => {}); // a compaction nobody waits for must not be an unhandled rejection
  return b;
}

/** Opens the journal, compacting it first (the caller has replayed it and built the snapshot). */
export async function openJournal(opts: JournalOptions): Promise<Journal> {
  const fs = opts.fs ?? defaultJournalFs;
  const path = opts.path;
  const tmp = `${path}.tmp`;
  const compactAt = opts.compactAtBytes ?? 8 * 1024 * 1024;
  const encoder = new TextEncoder();

  const chunk = opts.preallocateBytes ?? PREALLOCATE_BYTES;
  const zeros = new Uint8Array(Math.min(chunk, 1 << 20));

  let file: JournalFile | undefined;
  let bytes = 0;
  let allocated = 0; // bytes + the zero-filled space after them
  let baseline = 0; // size right after the last compaction
  let next: Batch | undefined; // the batch new appends join; taken whole by the writer
  let busy = false;
  let closed = false;
  let broken: Error | undefined;

  await fs.mkdir(dirname(path), { recursive: true });
  await fs.rm(tmp, { force: true });
  await rewrite();

  async function writeAll(f: JournalFile, data: Uint8Array, position: number): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await f.write(data, off, data.length - off, position + off);
      off += bytesWritten;
    }
  }

  /** Zero-fills [from, to): records later overwrite these blocks in place. */
  async function fill(f: JournalFile, from: number, to: number): Promise<void> {
    for (let at = from; at < to; at += zeros.length) await writeAll(f, zeros.subarray(0, Math.min(zeros.length, to - at)), at);
  }

  async function syncDir(): Promise<void> {
    // Makes the rename itself durable. Some platforms cannot open a directory: the rename is
    // then as durable as that platform allows.
    let dir: JournalFile | undefined;
    try {
      dir = await fs.open(dirname(path), "r");
      await dir.sync();
    } catch {
      // ignored on purpose, see above
    } finally {
      await dir?.close().catch(() => {});
    }
  }

  async function rewrite(): Promise<void> {
    const data = encoder.encode(opts.snapshot().map((r) => `${JSON.stringify(r)}\n`).join(""));
    const out = await fs.open(tmp, "w");
    const size = data.length + chunk;
    try {
      await writeAll(out, data, 0);
      await fill(out, data.length, size);
      await out.sync();
    } finally {
      await out.close();
    }
    await fs.rename(tmp, path);
    await syncDir();
    const old = file;
    file = await fs.open(path, "r+");
    await old?.close().catch(() => {});
    bytes = baseline = data.length;
    allocated = size;
  }

  // The single writer: batches are taken whole, so every append made while a write is in flight
  // joins the next one, and one promise per batch answers all of its appenders. A compaction is a
  // batch whose content is the snapshot, which already reflects the records waiting in it (the
  // state changes before it is journaled).
  async function drain(): Promise<void> {
    try {
      while (next) {
        const b = next;
        next = undefined;
        try {
          if (broken) throw broken;
          if (b.compact) await rewrite();
          else if (b.lines.length > 0) {
            const data = encoder.encode(b.lines.length === 1 ? b.lines[0] : b.lines.join(""));
            if (bytes + data.length > allocated) {
              const grown = bytes + data.length + chunk;
              await fill(file!, allocated, grown);
              allocated = grown;
            }
            await writeAll(file!, data, bytes);
            await file!.datasync();
            bytes += data.length;
          }
        } catch (err) {
          // After a failed write or fsync the file's state is unknown (see "fsyncgate"): refuse
          // everything from now on rather than acknowledge requests that may not be on disk.
          if (!broken) {
            broken = err instanceof Error ? err : new Error(String(err));
            opts.onError?.(broken); // once: later batches fail with the same error
          }
          b.reject(broken);
          continue;
        }
        b.resolve();
        if (!closed && bytes >= compactAt && bytes >= 2 * baseline) batch().compact = true;
      }
    } finally {
      busy = false;
    }
  }

  /** The batch that is still open for appends (created, and the writer woken, on first use). */
  function batch(): Batch {
    if (next) return next;
    next = newBatch();
    if (!busy) {
      busy = true;
      // Start on the next microtask, so requests that arrive in the same tick share the first write.
      queueMicrotask(() => void drain());
    }
    return next;
  }

  function join(line: string | undefined, compact = false): Promise<void> {
    if (closed) return Promise.reject(new JournalClosedError(path));
    if (broken) return Promise.reject(broken);
    const b = batch();
    if (line !== undefined) b.lines.push(line);
    if (compact) b.compact = true;
    return b.done;
  }

  let closing: Promise<void> | undefined;
  return {
    append: (record) => join(`${JSON.stringify(record)}\n`),
    flushed: () => join(undefined),
    compact: () => join(undefined, true),
    size: () => bytes,
    failure: () => broken,
    close() {
      closing ??= (async () => {
        closed = true; // no new records; the ones already appended are still written
        await batch().done.catch(() => {});
        await file?.close().catch(() => {});
      })();
      return closing;
    },
  };
}
