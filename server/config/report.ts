// Collects errors and warnings, each prefixed with `file:line:col` of the node concerned, and turns
// them into one ConfigError so an operator sees every problem in a single run.
import { ConfigError } from "../errors.ts";
import type { Path, Positions } from "./positions.ts";

export class Report {
  readonly warnings: string[] = [];
  readonly positions: Positions;
  #errors: { line: number; col: number; text: string }[] = [];
  constructor(positions: Positions) {
    this.positions = positions;
  }
  /** `message` is the sentence after `file:line:col: `; `key` points at the key, not the value. */
  error(path: Path, message: string, opts: { key?: boolean } = {}): void {
    const p = opts.key ? this.positions.keyOf(path) : this.positions.of(path);
    this.#errors.push({ ...p, text: `${this.positions.where(path, opts)}: ${message}` });
  }
  /** An error about something outside the file (an environment variable). */
  errorWithoutPosition(message: string): void {
    this.#errors.push({ line: 0, col: 0, text: message });
  }
  warn(path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.warnings.push(`${this.positions.where(path, opts)}: ${message}`);
  }
  /** The errors so far, in file order (stable, so one node's errors keep the order they were found). */
  get errors(): string[] {
    return [...this.#errors].sort((a, b) => a.line - b.line || a.col - b.col).map((e) => e.text);
  }
  /** Throws when any error was recorded. */
  throwIfErrors(data: Record<string, unknown> = {}): void {
    if (this.#errors.length > 0) throw configError(this.errors, this.positions.file, data);
  }
}

/** One ConfigError listing every line; `data.errors` keeps them as an array. */
export function configError(lines: string[], file: string, data: Record<string, unknown> = {}): ConfigError {
  return new ConfigError(lines.join("\n"), { file, errors: lines, ...data });
}
