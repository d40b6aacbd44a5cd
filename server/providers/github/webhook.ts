// GitHub webhooks (https://docs.github.com/en/webhooks/webhook-events-and-payloads).
// Verify like octokit/webhooks.js verify-and-receive: the HMAC is checked over the raw bytes
// before anything is parsed, and a missing or malformed signature is a refusal, never a throw.
import { MalformedPayloadError } from "../errors.ts";
import { HEX_SHA256, hmacVerifier, noSecret, type SignatureHeader } from "../signature.ts";
import type { HeadersLike, ParsedDelivery } from "../types.ts";
import { compact, header, hostOf, isZeroId, readJsonObject, requireFullRef, requireStr, str } from "../webhook-body.ts";

const SIGNATURE = "X-Hub-Signature-256";

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. For form-encoded hooks GitHub
 * signs the raw form body, so the bytes are used exactly as received in both cases.
 */
export const { verify, verifyHeaders } = hmacVerifier({ label: "GitHub webhook secret", header: signatureHeader });

function signatureHeader(headers: HeadersLike, secret: string | undefined): SignatureHeader {
  if (noSecret(secret)) return { ok: true };
  const sig = header(headers, SIGNATURE);
  if (sig === undefined) {
    const sha1Only = header(headers, "X-Hub-Signature") !== undefined;
    return {
      ok: false,
      reason: `missing ${SIGNATURE} header` +
        (sha1Only ? " (only the SHA-1 X-Hub-Signature was sent, which is not accepted)" : ""),
    };
  }
  const hex = sig.startsWith("sha256=") ? sig.slice("sha256=".length) : undefined;
  if (hex === undefined || !HEX_SHA256.test(hex)) {
    return { ok: false, reason: `malformed ${SIGNATURE} header: expected sha256= followed by 64 hex digits` };
  }
  return { ok: true, hex, name: SIGNATURE };
}

/**
 * The delivery as an event. `push` covers branch and tag creation, update and deletion (GitHub
 * sends a push with `deleted: true` for a deleted ref), so `create`/`delete` events are ignored.
 */
export function parse(raw: Uint8Array, headers: HeadersLike): ParsedDelivery {
  const deliveryId = header(headers, "X-GitHub-Delivery");
  const event = header(headers, "X-GitHub-Event");
  if (event === undefined) {
    throw new MalformedPayloadError("github webhook: missing X-GitHub-Event header", { provider: "github" });
  }
  const body = readJsonObject(raw, headers, "github");
  if (event === "ping") return compact({ kind: "ignored", reason: "ping", deliveryId });
  if (event !== "push") return compact({ kind: "ignored", reason: `event ${event} is not mirrored`, deliveryId });

  const after = str(body, "after");
  return compact({
    kind: "push",
    provider: "github",
    repoPath: requireStr(body, "repository.full_name", "github"),
    host: hostOf(str(body, "repository.html_url")),
    ref: requireFullRef(body, "github"),
    before: str(body, "before"),
    after,
    deleted: body.deleted === true || isZeroId(after),
    // The API reference: pusher.name, with sender.login as the fallback.
    actor: str(body, "pusher.name") ?? str(body, "sender.login"),
    deliveryId,
  });
}
