// Body and header reading shared by the providers: JSON or form-encoded (`payload=<json>`) bodies,
// typed field access that turns a missing field into MalformedPayloadError (HTTP 400), and the
// little normalisations every provider needs (host of a URL, all-zero object ids).
import { MalformedPayloadError } from "./errors.ts";
import type { HeadersLike, WebhookProvider } from "./types.ts";

export type Json = Record<string, unknown>;

/** A header's trimmed value; absent and empty are both undefined. */
export function header(headers: HeadersLike, name: string): string | undefined {
  const v = headers.get(name)?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** GitHub and Gitea hooks may be set to `application/x-www-form-urlencoded` with `payload=<json>`. */
export function isFormEncoded(headers: HeadersLike): boolean {
  const ct = header(headers, "content-type");
  return ct !== undefined && ct.split(";")[0].trim().toLowerCase() === "application/x-www-form-urlencoded";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The `payload` field of a form body, or undefined when there is none or the bytes are not UTF-8. */
export function formPayload(raw: Uint8Array): string | undefined {
  try {
    return new URLSearchParams(utf8.decode(raw)).get("payload") ?? undefined;
  } catch {
    return undefined;
  }
}

/** The delivery's JSON object, from a JSON body or from the `payload` field of a form body. */
export function readJsonObject(raw: Uint8Array, headers: HeadersLike, provider: WebhookProvider): Json {
  let text: string;
  if (isFormEncoded(headers)) {
    const payload = formPayload(raw);
    if (payload === undefined) {
      throw new MalformedPayloadError(`${provider} webhook: form-encoded body has no payload field`, { provider });
    }
    text = payload;
  } else {
    try {
      text = utf8.decode(raw);
    } catch {
      throw new MalformedPayloadError(`${provider} webhook: body is not valid UTF-8`, { provider });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new MalformedPayloadError(`${provider} webhook: body is not valid JSON (${why})`, { provider });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedPayloadError(`${provider} webhook: body must be a JSON object`, { provider });
  }
  return value as Json;
}

/** `obj.a.b.c` when it is a non-empty string. */
export function str(obj: Json, path: string): string | undefined {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return typeof cur === "string" && cur !== "" ? cur : undefined;
}

/** Like `str`, but a missing field means the payload is not the documented one. */
export function requireStr(obj: Json, path: string, provider: WebhookProvider): string {
  const v = str(obj, path);
  if (v === undefined) {
    throw new MalformedPayloadError(`${provider} webhook: payload has no ${path} (a non-empty string is required)`, {
      provider,
      field: path,
    });
  }
  return v;
}

/** The pushed ref, which every provider sends as a full name; the engine checks the rest. */
export function requireFullRef(obj: Json, provider: WebhookProvider): string {
  const ref = requireStr(obj, "ref", provider);
  if (!ref.startsWith("refs/")) {
    throw new MalformedPayloadError(`${provider} webhook: ref ${JSON.stringify(ref)} is not a full ref name (refs/heads/… or refs/tags/…)`, {
      provider,
      field: "ref",
    });
  }
  return ref;
}

/** Lower-case host[:port] of an http(s) URL (default ports dropped); undefined if it is not one. */
export function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    return u.host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** Git writes a deleted (or not yet existing) ref's id as all zeros: 40 for SHA-1, 64 for SHA-256. */
export function isZeroId(id: string | undefined): boolean {
  return id !== undefined && /^0+$/.test(id);
}

/** Drops undefined optional fields so results compare cleanly and serialise without noise. */
export function compact<T extends object>(obj: T): T {
  for (const k of Object.keys(obj) as (keyof T)[]) if (obj[k] === undefined) delete obj[k];
  return obj;
}
