// Two local git smart-HTTP hosts in their own process, so the benchmark process measures only
// the client side (time and memory):
//   node --import tsx bench/git-hosts-child.ts <root> <user> <password> [--cgi]
// Serves <root>/src and <root>/dst; prints "hosts <src url> <dst url>"; exits on SIGTERM.
//
// Default: each ref advertisement is the bytes `git upload-pack --advertise-refs` produced for
// the repo's current refs (HEAD + packed-refs, read from disk on every request), kept in memory
// keyed by that content, as a hosting service answers from its ref store. With --cgi every
// request spawns `git http-backend` (the tests' server): on this shared 2-core machine a spawn
// alone costs ~60 ms under load, which would measure process start-up, not the sweep.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { startGitServer } from "../test/harness/git-server.ts";

const [root, user, password, mode] = process.argv.slice(2);
if (!root || !user || !password) throw new Error("usage: git-hosts-child.ts <root> <user> <password> [--cgi]");

const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const advertised = new Map<string, Promise<Buffer>>();

function advertise(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn("git", ["upload-pack", "--stateless-rpc", "--advertise-refs", dir], { stdio: ["ignore", "pipe", "inherit"] });
    const out: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(Buffer.concat([Buffer.from("001e# service=git-upload-pack\n0000"), ...out])) : reject(new Error(`upload-pack exited ${code}`))));
  });
}

async function advertisementHost(base: string): Promise<string> {
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/(.+\.git)\/info\/refs$/.exec(u.pathname);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
      return;
    }
    if (req.method !== "GET" || !m || u.searchParams.get("service") !== "git-upload-pack" || m[1].includes("..")) {
      res.writeHead(404).end();
      return;
    }
    const dir = join(base, m[1]);
    void Promise.all([readFile(join(dir, "HEAD")), readFile(join(dir, "packed-refs"))])
      .then(async ([head, refs]) => {
        const key = createHash("sha1").update(head).update(refs).digest("hex");
        let body = advertised.get(key);
        if (!body) advertised.set(key, (body = advertise(dir)));
        res.writeHead(200, { "Content-Type": "application/x-git-upload-pack-advertisement", "Cache-Control": "no-cache" }).end(await body);
      })
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let urls: string[];
if (mode === "--cgi") {
  const hosts = await Promise.all(["src", "dst"].map((side) => startGitServer({ root: join(root, side), users: { [user]: password } })));
  urls = hosts.map((h) => h.url);
} else {
  urls = await Promise.all(["src", "dst"].map((side) => advertisementHost(join(root, side))));
}
process.stdout.write(`hosts ${urls.join(" ")}\n`);
process.once("SIGTERM", () => process.exit(0));
