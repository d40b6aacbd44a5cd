// A raw HTTP/1.1 client over node:net for the hostile-input tests: it sends the head, then only as
// much of the body as a test says, and reports the answer (or that none came) and when the server
// closed the connection. fetch cannot do that: it always sends the whole body.
import { connect, type Socket } from "node:net";
import { transcript } from "./server-hosts.ts";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface RawRequest {
  socket: Socket;
  /** The parsed answer once one arrived (a response with Content-Length, as Hono sends). */
  answer: Promise<RawAnswer>;
  /** Resolves when the server closes (or resets) the connection. */
  closed: Promise<void>;
  write(bytes: string | Uint8Array): void;
}

export function rawRequest(base: string, o: { method?: string; path: string; headers: Record<string, string>; body?: string | Uint8Array }): RawRequest {
  const u = new URL(base);
  const socket = connect({ host: u.hostname, port: Number(u.port) });
  socket.on("error", () => {});
  const head = [`${o.method ?? "POST"} ${o.path} HTTP/1.1`, `host: ${u.host}`, ...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n");
  socket.write(head);
  if (o.body !== undefined) socket.write(o.body);
  let buf = Buffer.alloc(0);
  const answer = new Promise<RawAnswer>((resolve) => {
    const onData = (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
      const length = Number(headers["content-length"] ?? NaN);
      const body = buf.subarray(end + 4);
      if (Number.isFinite(length) && body.length < length) return;
      socket.off("data", onData);
      const text = body.toString("utf8");
      transcript.push(text);
      resolve({ status: Number(lines[0].split(" ")[1]), headers, text });
    };
    socket.on("data", onData);
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, answer, closed, write: (bytes) => void socket.write(bytes) };
}

/** The promise's value, or "no answer" when it takes longer than `ms` (the test's patience, not a timing claim). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | "no answer"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<"no answer">((r) => (timer = setTimeout(() => r("no answer"), ms)))]).finally(() => clearTimeout(timer));
}
