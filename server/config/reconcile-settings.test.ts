// reconcile.* and status.token: defaults, cron syntax checked at load time with the setting's
// position, the timezone, and the status token as a redacted switch setting.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, configErrorOf, parse, yaml } from "./test-helpers.ts";

describe("parseConfig: reconcile and status", () => {
  it("defaults: on, every 10 minutes at second 0, host zone, 16 repos at a time, no status token", () => {
    const c = parse(yaml(...BASE));
    assert.deepEqual(c.reconcile, { enabled: true, schedule: "0 */10 * * * *", concurrency: 16 });
    assert.deepEqual(c.status, { token: undefined });
  });

  it("takes 5 or 6 fields, a timezone, enabled: false and a concurrency", () => {
    const six = parse(yaml(...BASE, "reconcile:", '  schedule: "30 */5 * * * *"', "  timezone: Europe/Berlin", "  concurrency: 4"));
    assert.deepEqual(six.reconcile, { enabled: true, schedule: "30 */5 * * * *", timezone: "Europe/Berlin", concurrency: 4 });
    const five = parse(yaml(...BASE, "reconcile: { schedule: '*/15 * * * *', enabled: false }"));
    assert.equal(five.reconcile.schedule, "*/15 * * * *");
    assert.equal(five.reconcile.enabled, false);
  });

  it("a malformed schedule or an unknown zone stops the load with the position and an example", () => {
    const err = configErrorOf(yaml(...BASE, "reconcile:", '  schedule: "every ten minutes"', "  timezone: Mars/Olympus"));
    const lines = err.message.split("\n");
    assert.ok(
      lines.some((l) => l.includes('reconcile.schedule must be a cron expression, 5 fields, or 6 with seconds first, e.g. "*/10 * * * *" (got "every ten minutes")') && /config\.yaml:\d+:\d+/.test(l)),
      err.message,
    );
    assert.ok(lines.some((l) => l.includes('reconcile.timezone must be an IANA zone such as Europe/Berlin or UTC (got "Mars/Olympus")')), err.message);
    assert.match(configErrorOf(yaml(...BASE, "reconcile: { schedule: '* * * *' }")).message, /reconcile\.schedule must be a cron expression/);
    assert.match(configErrorOf(yaml(...BASE, "reconcile: { concurrency: 0 }")).message, /reconcile\.concurrency must be an integer from 1 to 256/);
  });

  it("status.token is a secret, and an unset ${VAR} turns it off instead of failing", () => {
    const set = parse(yaml(...BASE, "status: { token: '${STATUS_TOKEN}' }"), { STATUS_TOKEN: "status-secret-123" });
    assert.equal(set.status.token, "status-secret-123");
    assert.ok(set.secrets.includes("status-secret-123"));
    const unset = parse(yaml(...BASE, "status: { token: '${STATUS_TOKEN}' }"), {});
    assert.equal(unset.status.token, undefined);
  });
});
