import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { extract, GITHUB_OPERATIONS, resolveRefs } from "./extract-github-spec.ts";

test("refs are resolved and OpenAPI 3.0 nullable becomes JSON Schema", () => {
  const spec = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    components: { schemas: { name: { type: "string", nullable: true }, any: { nullable: true, description: "x" } } },
    paths: Object.fromEntries(GITHUB_OPERATIONS.map(([, p]) => [p, {}])),
  };
  const node = resolveRefs(spec, { properties: { a: { $ref: "#/components/schemas/name" }, b: { $ref: "#/components/schemas/any" } } });
  assert.deepEqual(node, { properties: { a: { type: ["string", "null"] }, b: { description: "x" } } });
  const cyclic = { components: { schemas: { a: { items: { $ref: "#/components/schemas/a" } } } } };
  assert.throws(() => resolveRefs(cyclic, { $ref: "#/components/schemas/a" }), /cyclic \$ref/);
  assert.throws(() => extract(spec), /unresolvable \$ref #\/paths\/~1user\/get/);
});

test("the committed extract holds exactly the operations the toolkit calls, with no $ref or nullable left", () => {
  const text = readFileSync(new URL("../../fixtures/specs/github/api.github.com.extract.json", import.meta.url), "utf8");
  const doc = JSON.parse(text);
  const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((x) => `${x} ${p}`));
  assert.deepEqual(ops.sort(), GITHUB_OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
  assert.ok(!text.includes('"$ref"') && !text.includes('"nullable"'));
});
