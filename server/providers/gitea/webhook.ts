// Gitea webhooks (https://docs.gitea.com/usage/webhooks; headers from services/webhook/deliver.go).
import { MalformedPayloadError } from "../errors.ts";
import { HEX_SHA256, hmacVerifier, noSecret, type SignatureHeader } from "../signature.ts";
import type { HeadersLike, ParsedDelivery } from "../types.ts";
import {
  compact,
  formPayload,
  header,
  hostOf,
  isFormEncoded,
  isZeroId,
  readJsonObject,
  requireFullRef,
  requireStr,
  str,
} from "../webhook-body.ts";

/**
 * `X-Gitea-Signature: <hex HMAC-SHA256(secret, payload)>`, no prefix; Gitea also sends the same
 * HMAC as `X-Hub-Signature-256: sha256=<hex>`, accepted when the first is absent. Without a secret
 * Gitea still sends the headers, empty, which count as missing here.
 * Form hooks are signed over the JSON in the `payload` field (t.PayloadContent), not over the
 * form body, so that is what gets checked for them.
 */
export const { verify, verifyHeaders } = hmacVerifier({
  label: "Gitea webhook secret",
  header: signatureHeader,
  signed(raw: Uint8Array, headers: HeadersLike) {
    if (!isFormEncoded(headers)) return raw;
    const payload = formPayload(raw);
    return payload === undefined ? { reason: "form-encoded body has no payload field to verify" } : new TextEncoder().encode(payload);
  },
});

function signatureHeader(headers: HeadersLike, secret: string | undefined): SignatureHeader {
  if (noSecret(secret)) return { ok: true };
  let hex = header(headers, "X-Gitea-Signature");
  let name = "X-Gitea-Signature";
  if (hex === undefined) {
    const hub = header(headers, "X-Hub-Signature-256");
    if (hub !== undefined && hub !== "sha256=") {
      name = "X-Hub-Signature-256";
      hex = hub.startsWith("sha256=") ? hub.slice("sha256=".length) : "";
    }
  }
  if (hex === undefined) return { ok: false, reason: "missing X-Gitea-Signature header" };
  if (!HEX_SHA256.test(hex)) {
    return {
      ok: false,
      reason: name === "X-Gitea-Signature"
        ? "malformed X-Gitea-Signature header: expected 64 hex digits"
        : "malformed X-Hub-Signature-256 header: expected sha256= followed by 64 hex digits",
    };
  }
  return { ok: true, hex, name };
}

/**
 * `push` carries branch and tag updates, creations and tag deletions. A deleted BRANCH is different:
 * services/repository/push.go notifies only DeleteRef for it, so Gitea sends a `delete` event and
 * no push; that event is turned into a push with `deleted: true` (it arrives only when the hook
 * subscribes to delete events). Deleted tags get both a push (after = zeros) and a `delete`, so
 * the tag `delete` is ignored; `create` is always accompanied by a push.
 */
export function parse(raw: Uint8Array, headers: HeadersLike): ParsedDelivery {
  const deliveryId = header(headers, "X-Gitea-Delivery");
  const event = header(headers, "X-Gitea-Event");
  if (event === undefined) {
    throw new MalformedPayloadError("gitea webhook: missing X-Gitea-Event header", { provider: "gitea" });
  }
  const body = readJsonObject(raw, headers, "gitea");
  const actor = str(body, "pusher.login") ?? str(body, "pusher.username") ?? str(body, "sender.login");

  if (event === "push") {
    const after = str(body, "after");
    return compact({
      kind: "push",
      provider: "gitea",
      repoPath: requireStr(body, "repository.full_name", "gitea"),
      host: hostOf(str(body, "repository.html_url")),
      ref: requireFullRef(body, "gitea"),
      before: str(body, "before"),
      after,
      deleted: isZeroId(after),
      actor,
      deliveryId,
    });
  }
  if (event === "delete") {
    const refType = str(body, "ref_type");
    if (refType !== "branch") {
      return compact({ kind: "ignored", reason: `delete of a ${refType ?? "ref"} arrives as a push event too`, deliveryId });
    }
    // DeletePayload.Ref is the SHORT name (notifier.go itself wonders whether it should be a full one).
    const name = requireStr(body, "ref", "gitea");
    return compact({
      kind: "push",
      provider: "gitea",
      repoPath: requireStr(body, "repository.full_name", "gitea"),
      host: hostOf(str(body, "repository.html_url")),
      ref: name.startsWith("refs/") ? name : `refs/heads/${name}`,
      deleted: true,
      actor,
      deliveryId,
    });
  }
  if (event === "create") {
    return compact({ kind: "ignored", reason: "create events are covered by the push event for the same ref", deliveryId });
  }
  return compact({ kind: "ignored", reason: `event ${event} is not mirrored`, deliveryId });
}
