// Next-tick times from cron expressions, computed from a given clock (not the host's).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../errors.ts";
import { cronSchedule } from "./schedule.ts";

describe("cronSchedule", () => {
  const at = (iso: string) => new Date(iso);
  it("the default, every 10 minutes at second 0", () => {
    const s = cronSchedule("0 */10 * * * *");
    assert.equal(s.nextAfter(at("2026-03-02T10:00:30Z")).toISOString(), "2026-03-02T10:10:00.000Z");
    assert.equal(s.nextAfter(at("2026-03-02T10:10:00Z")).toISOString(), "2026-03-02T10:20:00.000Z", "strictly after");
  });
  it("six fields with seconds", () => {
    assert.equal(cronSchedule("*/20 * * * * *").nextAfter(at("2026-03-02T10:00:01Z")).toISOString(), "2026-03-02T10:00:20.000Z");
  });
  it("a value cron cannot read is a ConfigError naming the setting (the server and config check stop on it)", () => {
    assert.throws(() => cronSchedule("61 * * * *"), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^reconcile\.schedule "61 \* \* \* \*" is not a cron expression cron can read \(.*out of range.*\); use 5 fields, or 6 with seconds first/);
      return true;
    });
  });
  it("reads the hours in reconcile.timezone", () => {
    // 02:00 in Berlin is 01:00 UTC in winter.
    assert.equal(cronSchedule("0 2 * * *", "Europe/Berlin").nextAfter(at("2026-01-10T12:00:00Z")).toISOString(), "2026-01-11T01:00:00.000Z");
    assert.equal(cronSchedule("0 2 * * *", "UTC").nextAfter(at("2026-01-10T12:00:00Z")).toISOString(), "2026-01-11T02:00:00.000Z");
  });
});
