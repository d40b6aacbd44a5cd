// YAML text → plain values plus a side table of source positions, so every later step (env
// expansion, schema, cross-checks) can point at `file:line:col` of the node it complains about.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";

export type PathSeg = string | number;
export type Path = readonly PathSeg[];
export interface Pos {
  line: number;
  col: number;
}
export type Plain = string | number | boolean | null | Plain[] | PlainMap;
export interface PlainMap {
  [key: string]: Plain;
}

/** `["repos", 0, "direction"]` → `repos[0].direction`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}

export const isPlainMap = (v: unknown): v is PlainMap =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const keyOf = (path: Path): string => JSON.stringify(path);

/** Where each value (and each mapping key) of the document starts. */
export class Positions {
  readonly file: string;
  #values = new Map<string, Pos>();
  #keys = new Map<string, Pos>();
  constructor(file: string) {
    this.file = file;
  }
  /** First writer wins: explicit keys are walked before `<<` merges, alias sites before targets. */
  setValue(path: Path, pos: Pos): void {
    if (!this.#values.has(keyOf(path))) this.#values.set(keyOf(path), pos);
  }
  setKey(path: Path, pos: Pos): void {
    if (!this.#keys.has(keyOf(path))) this.#keys.set(keyOf(path), pos);
  }
  /**
   * The value at `path`, else its key; for a setting that is absent, the nearest ancestor —
   * by its key (`webhook:`) when it has one, else by its value (a list item's mapping).
   */
  of(path: Path): Pos {
    const own = this.#values.get(keyOf(path)) ?? this.#keys.get(keyOf(path));
    if (own) return own;
    for (let n = path.length - 1; n >= 0; n--) {
      const p = path.slice(0, n);
      const found = this.#keys.get(keyOf(p)) ?? this.#values.get(keyOf(p));
      if (found) return found;
    }
    return { line: 1, col: 1 };
  }
  /** The key of `path` when it is a mapping entry, else as `of`. */
  keyOf(path: Path): Pos {
    return this.#keys.get(keyOf(path)) ?? this.of(path);
  }
  /** `file:line:col` of the value (or of the key with `key: true`). */
  where(path: Path, opts: { key?: boolean } = {}): string {
    const p = opts.key ? this.keyOf(path) : this.of(path);
    return `${this.file}:${p.line}:${p.col}`;
  }
}

export interface ParsedYaml {
  /** undefined for an empty document. */
  value: Plain | undefined;
  positions: Positions;
  /** Fatal: syntax errors and structures we refuse, each `file:line:col: ...`. */
  errors: string[];
  /** The yaml library's warnings (unresolved tags and such), each `file:line:col: ...`. */
  warnings: string[];
}

// A few hundred nodes is a big config; this only stops alias "billion laughs" expansion.
const MAX_NODES = 200_000;

// The Go bridge expanded ${VAR} in the raw text before parsing, so `{ token: ${T} }` worked there
// although `{`/`}` are YAML flow indicators. Well-formed references are hidden behind two
// private-use characters of the same length (so offsets and columns do not move) while parsing.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HIDDEN = /\$\uE000([A-Za-z_][A-Za-z0-9_]*)\uE001/g;
const hideRefs = (text: string): string =>
  text.includes(OPEN) || text.includes(CLOSE) ? text : text.replace(REF, `$${OPEN}$1${CLOSE}`);
const showRefs = (s: string): string => (s.includes(OPEN) ? s.replace(HIDDEN, "$${$1}") : s);

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // merge: Go's yaml.v3 honours `<<: *anchor`, so existing configs may use it.
  const doc = parseDocument(hideRefs(text), { lineCounter, prettyErrors: false, merge: true });
  const positions = new Positions(file);
  const at = (offset: number): Pos => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const fmt = (offset: number, msg: string) => {
    const p = at(offset);
    return `${file}:${p.line}:${p.col}: ${showRefs(msg)}`;
  };
  const warnings = doc.warnings.map((w) => fmt(w.pos[0], w.message));
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => fmt(e.pos[0], `YAML syntax error: ${e.message}`));
    return { value: undefined, positions, errors, warnings };
  }
  const errors: string[] = [];
  const walker = new Walker(doc, positions, at, fmt, errors);
  let value: Plain | undefined;
  try {
    value = doc.contents === null ? undefined : walker.walk(doc.contents as YamlNode, []);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    errors.push(`${file}:1:1: the document expands to more than ${MAX_NODES} nodes (alias bomb?)`);
  }
  if (value === null) value = undefined;
  return { value, positions, errors, warnings };
}

class TooLarge extends Error {}

class Walker {
  #count = 0;
  #stack = new Set<YamlNode>();
  readonly doc: Document;
  readonly positions: Positions;
  readonly at: (offset: number) => Pos;
  readonly fmt: (offset: number, msg: string) => string;
  readonly errors: string[];
  constructor(
    doc: Document,
    positions: Positions,
    at: (offset: number) => Pos,
    fmt: (offset: number, msg: string) => string,
    errors: string[],
  ) {
    this.doc = doc;
    this.positions = positions;
    this.at = at;
    this.fmt = fmt;
    this.errors = errors;
  }

  walk(node: YamlNode, path: Path): Plain {
    if (++this.#count > MAX_NODES) throw new TooLarge();
    if (node.range) this.positions.setValue(path, this.at(node.range[0]));
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) return null; // the parser already reported an unknown anchor
      if (this.#stack.has(target)) {
        this.errors.push(
          this.fmt(node.range?.[0] ?? 0, `alias *${node.source} refers to a node that contains it`),
        );
        return null;
      }
      this.#stack.add(target);
      try {
        return this.walk(target, path);
      } finally {
        this.#stack.delete(target);
      }
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined) return null;
      if (typeof v === "string") return showRefs(v);
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v;
      return String(v);
    }
    if (isSeq(node)) return node.items.map((item, i) => this.walk(item as YamlNode, [...path, i]));
    if (isMap(node)) return this.#walkMap(node.items, path);
    return null;
  }

  #walkMap(items: { key: unknown; value: unknown }[], path: Path): PlainMap {
    const out = Object.create(null) as PlainMap;
    const merges: YamlNode[] = [];
    for (const pair of items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
        merges.push(pair.value as YamlNode); // `<<`: applied after explicit keys, which win
        continue;
      }
      const key = this.#keyName(keyNode);
      if (key === undefined) continue;
      const childPath = [...path, key];
      if (keyNode?.range) this.positions.setKey(childPath, this.at(keyNode.range[0]));
      const value = pair.value === null ? null : this.walk(pair.value as YamlNode, childPath);
      // `key:` and `key: ""` mean "not set", as they did for the Go bridge (zero value = unset).
      if (value !== null && value !== "") out[key] = value;
    }
    for (const m of merges) this.#merge(out, m, path);
    return out;
  }

  #merge(out: PlainMap, node: YamlNode, path: Path): void {
    const source = isAlias(node) ? (node.resolve(this.doc) as YamlNode | undefined) : node;
    if (isSeq(source)) {
      for (const item of source.items) this.#merge(out, item as YamlNode, path);
      return;
    }
    if (!isMap(source)) {
      this.errors.push(
        this.fmt(node.range?.[0] ?? 0, "`<<` merge value must be a mapping or a list of mappings"),
      );
      return;
    }
    if (this.#stack.has(source)) return;
    this.#stack.add(source);
    try {
      const merged = this.#walkMap(source.items, path);
      for (const [k, v] of Object.entries(merged)) if (!(k in out)) out[k] = v;
    } finally {
      this.#stack.delete(source);
    }
  }

  #keyName(keyNode: YamlNode | null): string | undefined {
    const offset = keyNode?.range?.[0] ?? 0;
    if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
      this.errors.push(this.fmt(offset, "mapping keys must be plain strings"));
      return undefined;
    }
    const key = showRefs(String(keyNode.value));
    if (key.includes("${")) {
      this.errors.push(
        this.fmt(offset, `key "${key}" contains "\${": variables are expanded in values only`),
      );
      return undefined;
    }
    return key;
  }
}
