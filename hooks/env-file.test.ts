import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEnvFile } from "./env-file.ts";

test("parseEnvFile: dotenv lines, quotes, export, comments", () => {
  assert.deepEqual(parseEnvFile(`# comment\nA=1\nexport B = two words \nC="q\\"x\\ny"\nD='$lit'\n\nE=\nF=a=b\n`), {
    A: "1", B: "two words", C: 'q"x\ny', D: "$lit", E: "", F: "a=b",
  });
});

test("parseEnvFile: a problem names the line, never its content", () => {
  assert.throws(() => parseEnvFile("OK=1\nnot a line with s3cret\n", "hook.env"), (e: Error) => e.message === "hook.env:2: expected KEY=VALUE");
  assert.throws(() => parseEnvFile(`P="s3cret\n`, "hook.env"), (e: Error) => e.message === "hook.env:1: unterminated quote");
});
