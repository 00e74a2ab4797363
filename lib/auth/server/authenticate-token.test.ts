import { describe, expect, it } from "vitest";
import { guardTokenAttempts, limitKey, noteBadToken } from "@/lib/auth/server/authenticate-token";

describe("the bad-token limit's key", () => {
  it("is the IPv4 address itself, also when written IPv4-mapped", () => {
    expect(limitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(limitKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    expect(limitKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:0db8:0001:0002:ffff::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
  });

  it("does not let a client escape the limit by taking a new address of its /64 for every guess", () => {
    for (let i = 1; i <= 40; i++) noteBadToken(`2001:db8:77:1::${i.toString(16)}`);
    expect(() => guardTokenAttempts("2001:db8:77:1::ffff")).toThrow(/Too many bad API tokens/);
    // Another /64, and an IPv4 client, are not held up by it.
    expect(() => guardTokenAttempts("2001:db8:77:2::1")).not.toThrow();
    expect(() => guardTokenAttempts("198.51.100.77")).not.toThrow();
  });
});
