// Structured logs, one JSON object per line on stderr, every string redacted on the way out.
import type { Redactor } from "./mirror/redact.ts";

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Writes out lines still held by a batching logger (see LoggerOptions.batch). */
  flush?(): void;
}

export interface LoggerOptions {
  /**
   * Hold the lines logged while the current microtasks run and hand them to `write` together,
   * in order, right after (one queueMicrotask). stderr writes are synchronous syscalls for files
   * and pipes, and the server logs a line per webhook: a group commit acknowledges tens of
   * webhooks in one go, and their lines then cost one write instead of tens. `write` receives one
   * or more whole lines. Call flush() before the process exits.
   */
  batch?: boolean;
}

export function createLogger(
  write: (line: string) => void,
  redact: Redactor,
  now: () => Date = () => new Date(),
  opts: LoggerOptions = {},
): Logger & { flush(): void } {
  let held = "";
  const flush = () => {
    if (held === "") return;
    const out = held;
    held = "";
    try {
      write(out);
    } catch {
      // From a microtask a throw would end the process; a log that cannot be written has
      // nowhere to say so.
    }
  };
  const emit = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
    // Each string is redacted before it is serialised: JSON escapes `"` and `\`, so a secret
    // containing them no longer appears as itself in the line. The whole line is redacted again
    // (the redactor also knows each secret's escaped form) for text that spans several values.
    const record = { time: now().toISOString(), level, msg, ...fields };
    const line = redact(JSON.stringify(record, (_k, v) => (typeof v === "string" ? redact(v) : v))) + "\n";
    if (!opts.batch) return write(line);
    if (held === "") queueMicrotask(flush);
    held += line;
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error"), flush };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
