// Checks a request against an API description: the method and path exist, path and query
// parameters match their schemas (unknown query parameters are refused), and the JSON body matches
// the request body schema. Gitea's Swagger 2.0 is converted here, operation by operation (body
// parameter → schema, other parameters → JSON Schema of their type); GitHub's extract is OpenAPI 3.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// Spec documents are untyped JSON, walked by key.
type Json = any;

interface Param {
  name: string;
  in: "path" | "query";
  required: boolean;
  validate: ValidateFunction;
  kind: "string" | "integer" | "number" | "boolean" | "array" | "object";
  multi: boolean;
}

export interface Operation {
  method: string;
  template: string;
  segments: string[];
  params: Param[];
  body?: { required: boolean; validate: ValidateFunction; keys?: Set<string> };
}

/** The top-level property names a body schema lists (undefined when it lists none). */
function bodyKeys(schema: Json, definitions: Json = {}): Set<string> | undefined {
  const ref = typeof schema?.$ref === "string" ? /^#\/definitions\/(.+)$/.exec(schema.$ref) : null;
  const s = ref ? definitions[ref[1]] : schema;
  return s?.properties && !s.additionalProperties ? new Set(Object.keys(s.properties)) : undefined;
}

export interface SpecTable {
  name: string;
  operations: Operation[];
}

const SPECS = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/specs");

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const f of ["int64", "int32", "uint64", "uint32", "float", "double", "byte", "binary", "password"]) ajv.addFormat(f, true);
  return ajv;
}

function kindOf(schema: Json): Param["kind"] {
  const t = Array.isArray(schema?.type) ? schema.type.find((x: string) => x !== "null") : schema?.type;
  return (["integer", "number", "boolean", "array", "object"].includes(t) ? t : "string") as Param["kind"];
}

/** Gitea: Swagger 2.0, `definitions` referenced as #/definitions/X. */
export function swaggerTable(name: string, ...docs: Json[]): SpecTable {
  const ajv = newAjv();
  docs.forEach((doc, i) => ajv.addSchema({ definitions: doc.definitions ?? {} }, `swagger${i}`));
  const operations: Operation[] = [];
  docs.forEach((doc, i) => {
    const rewrite = (schema: Json): Json => JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\//g, `"swagger${i}#/definitions/`));
    for (const [template, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (method === "parameters") continue;
        const params: Param[] = [];
        let body: Operation["body"];
        for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
          if (p.in === "body") {
            body = { required: !!p.required, validate: ajv.compile(rewrite(p.schema ?? {})), keys: bodyKeys(p.schema, doc.definitions) };
          } else if (p.in === "path" || p.in === "query") {
            const { name: _n, in: _i, required: _r, description: _d, collectionFormat, ...schema } = p;
            params.push({
              name: p.name,
              in: p.in,
              required: !!p.required,
              validate: ajv.compile(rewrite(schema)),
              kind: kindOf(schema),
              multi: collectionFormat === "multi",
            });
          }
        }
        operations.push({ method: method.toUpperCase(), template, segments: template.split("/"), params, body });
      }
    }
  });
  return { name, operations };
}

/** GitHub: OpenAPI 3 with refs already resolved by extract-github-spec.ts. */
export function openapiTable(name: string, doc: Json): SpecTable {
  const ajv = newAjv();
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const params: Param[] = (op.parameters ?? []).filter((p: Json) => p.in === "path" || p.in === "query").map((p: Json) => ({
        name: p.name,
        in: p.in,
        required: !!p.required,
        validate: ajv.compile(p.schema ?? {}),
        kind: kindOf(p.schema),
        multi: kindOf(p.schema) === "array",
      }));
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      const body = op.requestBody
        ? { required: !!op.requestBody.required, validate: ajv.compile(schema ?? {}), keys: bodyKeys(schema) }
        : undefined;
      operations.push({ method: method.toUpperCase(), template, segments: template.split("/"), params, body });
    }
  }
  return { name, operations };
}

let gitea: SpecTable | undefined;
let github: SpecTable | undefined;
const readJson = (p: string) => JSON.parse(readFileSync(join(SPECS, p), "utf8"));
export const giteaSpec = () =>
  gitea ??= swaggerTable("Gitea swagger.v1.json", readJson("gitea/swagger.v1.json"), readJson("gitea/newer-endpoints.json"));
export const githubSpec = () => github ??= openapiTable("GitHub api.github.com (extract)", readJson("github/api.github.com.extract.json"));

/** The operation whose template matches: most literal segments wins; `{filepath}` takes the rest. */
export function matchOperation(table: SpecTable, method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
  const parts = path.split("/");
  let best: { op: Operation; params: Record<string, string>; score: number } | undefined;
  for (const op of table.operations) {
    const segs = op.segments;
    // Gitea routes contents/{filepath} as a wildcard: the file path keeps its slashes.
    const greedy = segs[segs.length - 1] === "{filepath}";
    if (op.method !== method || (greedy ? parts.length < segs.length : parts.length !== segs.length)) continue;
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < segs.length; i++) {
      const m = /^\{(.+)\}$/.exec(segs[i]);
      if (greedy && i === segs.length - 1) params.filepath = parts.slice(i).map(decodeURIComponent).join("/");
      else if (m) params[m[1]] = decodeURIComponent(parts[i]);
      else if (segs[i] === parts[i]) score++;
      else {
        ok = false;
        break;
      }
    }
    if (ok && (!best || score > best.score)) best = { op, params, score };
  }
  return best && { op: best.op, params: best.params };
}

function coerce(kind: Param["kind"], values: string[], multi: boolean): unknown {
  const one = (v: string): unknown => {
    if (kind === "integer" || kind === "number") return v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
    if (kind === "boolean") return v === "true" ? true : v === "false" ? false : v;
    return v;
  };
  if (kind === "array") return (multi ? values : values.join(",").split(",")).map((v) => v);
  return one(values[values.length - 1]);
}

const fmt = (v: ValidateFunction) => (v.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");

/** Every way the request breaks the spec; empty when it is allowed. */
export function validateRequest(
  table: SpecTable,
  req: { method: string; path: string; query: URLSearchParams; body: unknown; contentType?: string },
): string[] {
  const where = `${req.method} ${req.path}`;
  const match = matchOperation(table, req.method, req.path);
  if (!match) return [`${where}: no such operation in ${table.name}`];
  const { op, params } = match;
  const problems: string[] = [];
  for (const p of op.params.filter((p) => p.in === "path")) {
    const value = coerce(p.kind, [params[p.name] ?? ""], false);
    if (!p.validate(value)) problems.push(`${where}: path parameter ${p.name}: ${fmt(p.validate)}`);
  }
  const known = new Set(op.params.filter((p) => p.in === "query").map((p) => p.name));
  for (const name of new Set(req.query.keys())) {
    if (!known.has(name)) problems.push(`${where}: query parameter ${name} is not in ${op.method} ${op.template}`);
  }
  for (const p of op.params.filter((p) => p.in === "query")) {
    const values = req.query.getAll(p.name);
    if (values.length === 0) {
      if (p.required) problems.push(`${where}: query parameter ${p.name} is required`);
      continue;
    }
    if (!p.validate(coerce(p.kind, values, p.multi))) problems.push(`${where}: query parameter ${p.name}: ${fmt(p.validate)}`);
  }
  if (req.body === undefined) {
    if (op.body?.required) problems.push(`${where}: a request body is required`);
  } else if (!op.body) {
    problems.push(`${where}: sends a body, but ${op.method} ${op.template} takes none`);
  } else {
    if (!/^application\/json\b/.test(req.contentType ?? "")) problems.push(`${where}: body is not sent as application/json`);
    if (!op.body.validate(req.body)) problems.push(`${where}: body: ${fmt(op.body.validate)}`);
    // The schemas allow unlisted properties, but the servers silently drop them: a property the
    // spec does not list is a toolkit bug (a misspelt field that would never take effect).
    if (op.body.keys && req.body && typeof req.body === "object" && !Array.isArray(req.body)) {
      for (const k of Object.keys(req.body)) {
        if (!op.body.keys.has(k)) problems.push(`${where}: body property ${k} is not in the spec's request schema`);
      }
    }
  }
  return problems;
}
