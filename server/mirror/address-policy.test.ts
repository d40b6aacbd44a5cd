import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { classifyAddress, ipv6Groups } from "./address-policy.ts";
import { checkRemoteUrl } from "./remote-policy.ts";
import { configErrorOf, parse, yaml } from "../config/test-helpers.ts";

const strict = { allowInsecureHttp: false, allowPrivateNetwork: false };
const publicDns = async () => ["140.82.112.3"];

describe("address classes", () => {
  // One entry per class the policy must cover: [address, words its verdict names].
  const blocked: Array<[string, RegExp]> = [
    ["127.0.0.1", /loopback/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["192.168.1.1", /private/],
    ["169.254.10.1", /link-local/],
    ["0.0.0.0", /unspecified/],
    ["100.64.0.1", /CGNAT/],
    ["100.127.255.254", /CGNAT/],
    ["224.0.0.1", /multicast/],
    ["255.255.255.255", /reserved/],
    ["198.18.0.1", /benchmarking/],
    ["192.0.2.1", /documentation/],
    // cloud metadata endpoints
    ["169.254.169.254", /cloud metadata/],
    ["169.254.170.2", /cloud metadata/],
    ["100.100.100.200", /cloud metadata/],
    ["192.0.0.192", /cloud metadata/],
    ["168.63.129.16", /cloud metadata/],
    ["fd00:ec2::254", /cloud metadata/],
    // IPv6
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["fd12:3456::1", /unique local/],
    ["fe80::1", /link-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["64:ff9b:1::a00:1", /local-use NAT64/],
    // IPv4 inside IPv6: judged by the IPv4 address they reach
    ["::ffff:127.0.0.1", /loopback via IPv4-mapped/],
    ["::ffff:a9fe:a9fe", /cloud metadata via IPv4-mapped/],
    ["::127.0.0.1", /IPv4-compatible/],
    ["::7f00:1", /IPv4-compatible/],
    ["::8.8.8.8", /IPv4-compatible/],
    ["64:ff9b::7f00:1", /loopback via NAT64/],
    ["64:ff9b::10.0.0.1", /private via NAT64/],
    ["64:ff9b::a9fe:a9fe", /cloud metadata via NAT64/],
    ["2002:7f00:1::1", /loopback via 6to4/],
    ["2002:a9fe:a9fe::", /cloud metadata via 6to4/],
    ["2002:6440:1::1", /CGNAT.*via 6to4/],
  ];
  for (const [ip, kind] of blocked) {
    test(`${ip} is blocked (${kind.source})`, () => {
      const v = classifyAddress(ip);
      assert.equal(v.blocked, true, ip);
      assert.match(v.kind ?? "", kind);
    });
  }

  test("public addresses pass, including public IPv4 reached through NAT64 or 6to4", () => {
    for (const ip of ["8.8.8.8", "140.82.112.3", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808", "64:ff9b::140.82.112.3", "2002:808:808::1", "::ffff:8.8.8.8"]) {
      assert.equal(classifyAddress(ip).blocked, false, ip);
    }
    assert.equal(classifyAddress("64:ff9b::808:808").via, "8.8.8.8");
  });

  test("anything that is not an address is blocked", () => {
    for (const x of ["", "github.com", "fe80::1%eth0", "1.2.3", "::ffff:999.0.0.1", "1::2::3"]) assert.equal(classifyAddress(x).blocked, true, x);
  });

  test("IPv6 parsing expands :: and dotted tails", () => {
    assert.deepEqual(ipv6Groups("::127.0.0.1"), [0, 0, 0, 0, 0, 0, 0x7f00, 1]);
    assert.deepEqual(ipv6Groups("64:ff9b::7f00:1"), [0x64, 0xff9b, 0, 0, 0, 0, 0x7f00, 1]);
    assert.deepEqual(ipv6Groups("1:2:3:4:5:6:7:8"), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(ipv6Groups("1:2:3:4:5:6:7"), undefined);
    assert.equal(ipv6Groups("1:2:3:4::5:6:7:8"), undefined);
  });
});

describe("[::127.0.0.1] and [64:ff9b::7f00:1]", () => {
  for (const host of ["[::127.0.0.1]", "[64:ff9b::7f00:1]", "[::ffff:169.254.169.254]", "[2002:7f00:1::]", "100.64.0.1"]) {
    test(`${host} fails the config check`, () => {
      const err = configErrorOf(yaml(
        "providers:",
        "  p:",
        "    type: gitea",
        `    base_url: "https://${host}:3000"`,
        "repos: []",
      ));
      assert.match(err.message, /providers\.p\.base_url points at a .* address .*set allow_private_network: true/);
    });
    test(`${host} fails the sync-time check`, async () => {
      await assert.rejects(checkRemoteUrl(`https://${host}/org/app.git`, strict, publicDns), /allow_private_network/);
    });
    test(`${host} as a DNS answer fails the sync-time check`, async () => {
      const answer = host.replace(/^\[|\]$/g, "");
      await assert.rejects(checkRemoteUrl("https://git.example.com/org/app.git", strict, async () => [answer]), (err: Error) => {
        assert.match(err.message, new RegExp(`resolves to ${answer.replace(/[.[\]]/g, "\\$&")}, a .* address`));
        return true;
      });
    });
  }
  test("allow_private_network lets them through in both checks", async () => {
    const c = parse(yaml(
      "providers:",
      "  p:",
      "    type: gitea",
      '    base_url: "https://[64:ff9b::7f00:1]"',
      "    allow_private_network: true",
      "  gh:",
      "    type: github",
      "repos:",
      "  - { name: app, source: gh, target: p, source_path: org/app, target_path: org/app }",
    ));
    assert.equal(c.providers.get("p")?.baseUrl, "https://[64:ff9b::7f00:1]");
    assert.equal(await checkRemoteUrl("https://[::127.0.0.1]/x.git", { ...strict, allowPrivateNetwork: true }, publicDns), undefined);
  });
});

describe("sync-time check: fail closed, pin what was checked", () => {
  test("a name that does not resolve is refused, not let through", async () => {
    const failing = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND git.example.com"), { code: "ENOTFOUND" });
    };
    await assert.rejects(checkRemoteUrl("https://git.example.com/x.git", strict, failing), /cannot resolve git\.example\.com \(ENOTFOUND\).*does not connect/);
    await assert.rejects(checkRemoteUrl("https://git.example.com/x.git", strict, async () => []), /cannot resolve git\.example\.com: no addresses/);
  });

  test("one blocked address among public ones refuses the host", async () => {
    await assert.rejects(checkRemoteUrl("https://git.example.com/x.git", strict, async () => ["140.82.112.3", "10.0.0.5"]), /10\.0\.0\.5, a private address/);
  });

  test("the checked addresses come back as the pin, with the URL's port", async () => {
    assert.deepEqual(await checkRemoteUrl("https://git.example.com/x.git", strict, async () => ["140.82.112.3", "2606:4700::1111"]), {
      host: "git.example.com",
      port: 443,
      addresses: ["140.82.112.3", "2606:4700::1111"],
    });
    assert.deepEqual(await checkRemoteUrl("http://git.example.com:8080/x.git", { ...strict, allowInsecureHttp: true }, publicDns), {
      host: "git.example.com",
      port: 8080,
      addresses: ["140.82.112.3"],
    });
    // A literal public address needs no pin; localhost names are refused without asking DNS.
    assert.equal(await checkRemoteUrl("https://140.82.112.3/x.git", strict, publicDns), undefined);
    await assert.rejects(checkRemoteUrl("https://localhost/x.git", strict, publicDns), /loopback/);
  });
});
