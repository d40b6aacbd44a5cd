// Structured logs, one JSON object per line on stderr, every string redacted on the way out.
import type { Redactor } from "./mirror/redact.ts";

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void, redact: Redactor, now: () => Date = () => new Date()): Logger {
  const emit = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
    write(redact(JSON.stringify({ time: now().toISOString(), level, msg, ...fields })) + "\n");
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
