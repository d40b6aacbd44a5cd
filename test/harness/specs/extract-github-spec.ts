// Builds test/fixtures/specs/github/api.github.com.extract.json: only the GitHub operations the
// migration toolkit calls, from @octokit/openapi's generated/api.github.com.json, with every $ref
// resolved. The package is ~400 MB unpacked (ten specs), far too big for a dev install, so this
// script packs it into a temp dir, extracts the one file, and keeps a few kilobytes.
//
//   node --import tsx test/harness/specs/extract-github-spec.ts [version]
//
// Schema rewrites (so a strict-ish ajv compiles them, see DESIGN "Known snags"):
// - `nullable: true` beside a `type` becomes `type: [type, "null"]` (OpenAPI 3.0 → JSON Schema);
// - `nullable` without a `type` (135 such nodes in the full spec) is dropped: it only widens a
//   schema that already accepts anything.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Every GitHub call of scripts/migrate (keep in step with scripts/migrate/github-client.ts). */
export const GITHUB_OPERATIONS: readonly (readonly [string, string])[] = [
  ["get", "/user"],
  ["get", "/repos/{owner}/{repo}"],
  ["patch", "/repos/{owner}/{repo}"],
  ["get", "/repos/{owner}/{repo}/actions/permissions"],
  ["put", "/repos/{owner}/{repo}/actions/permissions"],
  ["get", "/repos/{owner}/{repo}/pages"],
  ["post", "/repos/{owner}/{repo}/pages"],
  ["put", "/repos/{owner}/{repo}/pages"],
  ["delete", "/repos/{owner}/{repo}/pages"],
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function lookup(root: Json, ref: string): Json {
  if (!ref.startsWith("#/")) throw new Error(`external $ref not supported: ${ref}`);
  let node: Json = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || Array.isArray(node) || !(key in node)) {
      throw new Error(`unresolvable $ref ${ref}`);
    }
    node = node[key];
  }
  return node;
}

/** Resolves $refs (refusing cycles, which the request parts of these operations do not have). */
export function resolveRefs(root: Json, node: Json, seen: string[] = []): Json {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(root, n, seen));
  if (node === null || typeof node !== "object") return node;
  if (typeof node.$ref === "string") {
    if (seen.includes(node.$ref)) throw new Error(`cyclic $ref ${node.$ref}`);
    return resolveRefs(root, lookup(root, node.$ref), [...seen, node.$ref]);
  }
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "examples" || k === "example") continue; // bulky, and not part of validation
    out[k] = resolveRefs(root, v, seen);
  }
  return fixNullable(out);
}

function fixNullable(node: { [k: string]: Json }): { [k: string]: Json } {
  if (!("nullable" in node)) return node;
  const { nullable, ...rest } = node;
  if (nullable === true && typeof rest.type === "string") rest.type = [rest.type, "null"];
  if (nullable === true && Array.isArray(rest.enum) && !rest.enum.includes(null)) rest.enum = [...rest.enum, null];
  return rest;
}

/** The request side (parameters, requestBody) and response codes of the listed operations. */
export function extract(spec: { [k: string]: Json }): Json {
  const paths: { [k: string]: { [k: string]: Json } } = {};
  for (const [method, path] of GITHUB_OPERATIONS) {
    const op = lookup(spec, `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}`) as {
      [k: string]: Json;
    };
    const responses = Object.fromEntries(
      Object.entries(op.responses as { [k: string]: Json }).map(([code, r]) => [
        code,
        { description: (resolveRefs(spec, r) as { description?: Json }).description ?? "" },
      ]),
    );
    paths[path] ??= {};
    paths[path][method] = {
      operationId: op.operationId,
      parameters: resolveRefs(spec, op.parameters ?? []),
      ...(op.requestBody ? { requestBody: resolveRefs(spec, op.requestBody) } : {}),
      responses,
    };
  }
  const info = spec.info as { [k: string]: Json };
  return { openapi: spec.openapi, info: { title: info.title, version: info.version }, paths };
}

function main(): void {
  const version = process.argv[2] ?? "23.0.2";
  const out = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/specs/github/api.github.com.extract.json");
  const dir = mkdtempSync(join(tmpdir(), "octokit-openapi-"));
  try {
    const tgz = execFileSync("npm", ["pack", `@octokit/openapi@${version}`, "--silent"], { cwd: dir, encoding: "utf8" })
      .trim().split("\n").pop()!;
    execFileSync("tar", ["xzf", tgz, "package/generated/api.github.com.json"], { cwd: dir });
    const spec = JSON.parse(readFileSync(join(dir, "package/generated/api.github.com.json"), "utf8"));
    writeFileSync(out, `${JSON.stringify(extract(spec), null, 1)}\n`);
    process.stdout.write(`wrote ${out} from @octokit/openapi@${version}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
