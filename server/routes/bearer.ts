// Bearer-token check shared by the retry and jobs endpoints: constant time, no length leak.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!m) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}
