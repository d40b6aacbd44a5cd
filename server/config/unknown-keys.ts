// Unknown keys are warnings, not errors: configs written for the Go bridge may carry keys this
// implementation does not know yet, and refusing to start over them would block a migration.
// The known keys are read from the valibot schema itself, so the two cannot drift apart.
import { editDistance } from "./edit-distance.ts";
import { formatPath, isPlainMap } from "./positions.ts";
import type { Path, Plain } from "./positions.ts";
import type { Report } from "./report.ts";

// valibot schemas are plain objects; these are the few fields needed to walk them.
interface SchemaLike {
  type: string;
  wrapped?: SchemaLike;
  pipe?: SchemaLike[];
  entries?: Record<string, SchemaLike>;
  item?: SchemaLike;
  value?: SchemaLike;
}

const CONTAINERS = ["object", "array", "record"];

/** Through optional() and pipe() to the object/array/record schema that holds the children. */
function unwrap(schema: SchemaLike): SchemaLike {
  let s = schema;
  for (;;) {
    if (s.wrapped) s = s.wrapped;
    else if (s.pipe) {
      const inner = s.pipe.find((item) => item !== s && (CONTAINERS.includes(item.type) || item.wrapped));
      if (!inner) return s;
      s = inner;
    } else return s;
  }
}

export function warnUnknownKeys(
  schema: unknown,
  value: Plain | undefined,
  report: Report,
  path: Path = [],
): void {
  const s = unwrap(schema as SchemaLike);
  if (s.type === "object" && s.entries && isPlainMap(value)) {
    const known = Object.keys(s.entries);
    for (const [key, child] of Object.entries(value)) {
      const entry = s.entries[key];
      if (entry) {
        warnUnknownKeys(entry, child, report, [...path, key]);
        continue;
      }
      const where = path.length === 0 ? "at the top level" : `in ${formatPath(path)}`;
      const guess = didYouMean(key, known);
      report.warn(
        [...path, key],
        `unknown key "${key}" ${where} (ignored)${guess ? `; did you mean "${guess}"?` : ""}`,
        {
          key: true,
        },
      );
    }
  } else if (s.type === "array" && s.item && Array.isArray(value)) {
    value.forEach((child, i) => warnUnknownKeys(s.item, child, report, [...path, i]));
  } else if (s.type === "record" && s.value && isPlainMap(value)) {
    for (const [key, child] of Object.entries(value)) warnUnknownKeys(s.value, child, report, [...path, key]);
  }
}

/** The closest known key: same after normalising case and separators, or a small edit away. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const norm = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().replace(/-/g, "_");
  const n = norm(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = n === norm(k) ? 0 : editDistance(n, norm(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(n.length / 3)) ? best : undefined;
}
