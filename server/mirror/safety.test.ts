import { test } from "node:test";
import assert from "node:assert/strict";
import { refFormatProblem } from "./refname.ts";
import { redact } from "./redact.ts";
import { checkRemoteUrl, isPrivateAddress } from "./remote-policy.ts";
import { fetchPatterns } from "./ref-scope.ts";
import { gitEnv } from "./git/git-process.ts";

test("ref names follow git's ref-format rules", () => {
  for (const ok of ["refs/heads/main", "refs/heads/-dash", "refs/tags/v1.0.0", "refs/heads/fünf/ünïcødé", "refs/heads/a@b"]) {
    assert.equal(refFormatProblem(ok), undefined, ok);
  }
  for (const bad of [
    "main", "--upload-pack=x", "refs/heads/../x", "refs/heads/a..b", "refs/heads/x.lock", "refs/heads/.hidden",
    "refs/heads/a b", "refs/heads/a\nb", "refs/heads/a~1", "refs/heads/a^", "refs/heads/a:b", "refs/heads/a?",
    "refs/heads/a*", "refs/heads/a[", "refs/heads/a\\b", "refs/heads/a@{1}", "refs/heads/", "refs//x", "refs/heads/x.",
    "refs/heads/\x7f",
  ]) {
    assert.notEqual(refFormatProblem(bad), undefined, JSON.stringify(bad));
  }
});

test("redaction removes secrets, their URL-encoded form, URL userinfo and auth headers", () => {
  const out = redact(
    "fatal: https://bob:p%40ss@host/x Authorization: Basic Ym9iOnBhc3M= token s3cr3t-v@lue and s3cr3t-v%40lue",
    ["s3cr3t-v@lue"],
  );
  assert.ok(!out.includes("s3cr3t"), out);
  assert.ok(!out.includes("p%40ss"), out);
  assert.ok(!out.includes("Ym9iOnBhc3M="), out);
});

test("private, loopback and link-local addresses are recognised", () => {
  for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1"]) {
    assert.ok(isPrivateAddress(ip), ip);
  }
  for (const ip of ["8.8.8.8", "172.32.0.1", "2606:4700::1111", "140.82.112.3"]) assert.ok(!isPrivateAddress(ip), ip);
});

test("remote policy: https only unless allowed, no private hosts unless allowed, no credentials in URLs", async () => {
  const strict = { allowInsecureHttp: false, allowPrivateNetwork: false };
  const publicDns = async () => ["140.82.112.3"];
  await checkRemoteUrl("https://github.com/org/app.git", strict, publicDns);
  await assert.rejects(checkRemoteUrl("http://github.com/org/app.git", strict, publicDns), /allow_insecure_http/);
  await assert.rejects(checkRemoteUrl("https://internal.example/x.git", strict, async () => ["10.0.0.5"]), /allow_private_network/);
  await assert.rejects(checkRemoteUrl("https://127.0.0.1/x.git", strict, publicDns), /allow_private_network/);
  await assert.rejects(checkRemoteUrl("https://u:p@github.com/x.git", strict, publicDns), /must not carry credentials/);
  await assert.rejects(checkRemoteUrl("file:///etc/passwd", { ...strict, allowInsecureHttp: true }, publicDns), /unsupported remote scheme/);
  await checkRemoteUrl("http://127.0.0.1:9/x.git", { allowInsecureHttp: true, allowPrivateNetwork: true }, publicDns);
});

test("fetch patterns: include globs become refspec patterns git accepts", () => {
  assert.deepEqual(fetchPatterns(["refs/heads/*", "refs/tags/*"]), ["refs/heads/*", "refs/tags/*"]);
  assert.deepEqual(fetchPatterns(["refs/heads/release-*"]), ["refs/heads/release-*"]);
  assert.deepEqual(fetchPatterns(["refs/heads/*/x-*"]), ["refs/heads/*"]);
  assert.deepEqual(fetchPatterns(["refs/heads/*"], ["refs/heads/main"]), ["refs/heads/main"]);
});

test("git's environment carries credentials for the helper only, and hardening config", () => {
  const env = gitEnv({ username: "u", password: "canary-pw" }, { PATH: "/bin", GIT_DIR: "/evil", SSH_ASKPASS: "/x", GIT_ASKPASS: "/y" });
  assert.equal(env.GIT_DIR, undefined);
  assert.equal(env.SSH_ASKPASS, undefined);
  assert.equal(env.GIT_ASKPASS, "");
  assert.equal(env.GIT_TERMINAL_PROMPT, "0");
  const config = Object.fromEntries(
    Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`] + `#${i}`, env[`GIT_CONFIG_VALUE_${i}`]]),
  );
  const values = Object.entries(config).map(([k, v]) => `${k.split("#")[0]}=${v}`);
  for (const want of ["protocol.allow=never", "protocol.ext.allow=never", "http.followRedirects=false", "credential.helper="]) {
    assert.ok(values.includes(want), want);
  }
  assert.ok(!values.some((v) => v.includes("canary-pw")), "the password is not in git config");
  assert.equal(env.GIT_BRIDGE_PASSWORD, "canary-pw");
});

test("ref names are bounded in length and must be well-formed UTF-16 text", () => {
  assert.equal(refFormatProblem(`refs/heads/${"a".repeat(1013)}`), undefined); // 1024 bytes exactly
  assert.match(refFormatProblem(`refs/heads/${"a".repeat(1014)}`) ?? "", /longer than 1024 bytes/);
  assert.match(refFormatProblem(`refs/heads/${"a".repeat(30_000)}`) ?? "", /longer than 1024 bytes/);
  assert.match(refFormatProblem(`refs/heads/${"é".repeat(600)}`) ?? "", /longer than 1024 bytes/);
  assert.match(refFormatProblem("refs/heads/a\ud800b") ?? "", /unpaired surrogate/);
  assert.equal(refFormatProblem("refs/heads/😀"), undefined);
  for (const bad of ["refs/heads/a\nb", "refs/heads/../../x", "refs/heads/*", "refs/heads/@{-1}"]) {
    assert.notEqual(refFormatProblem(bad), undefined, JSON.stringify(bad));
  }
});
