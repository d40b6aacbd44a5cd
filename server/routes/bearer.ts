// Bearer-token check shared by the retry and jobs endpoints: constant time, no length leak.
import { sameToken } from "../providers/signature.ts";

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m !== null && m !== undefined && sameToken(m[1], token);
}
