import { BridgeError } from "../errors.ts";

/**
 * The delivery's body is not what the sender documents (not JSON, a required field missing or of
 * the wrong type). The webhook route answers 400: the sender should not retry the same bytes.
 */
export class MalformedPayloadError extends BridgeError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("malformed", message, data);
  }
}
