import pino from "pino";
import { describe, expect, it } from "vitest";
import { authLogger } from "@/lib/auth/server/auth-logger";

describe("authLogger", () => {
  it("writes the message and stack of errors better-auth passes, even inside an object", () => {
    const lines: string[] = [];
    const logger = authLogger(pino({ level: "debug" }, { write: (line: string) => void lines.push(line) }));
    logger.log("error", "Unable to derive provider account identity", { providerId: "sso", error: new Error("OAUTH_ACCOUNT_SUBJECT_INVALID") });
    logger.log("error", "Failed to validate authorization code", new TypeError("fetch failed"));
    const [first, second] = lines.map((line) => JSON.parse(line) as { msg: string; details: unknown[] });
    expect(first).toMatchObject({ msg: "auth: Unable to derive provider account identity", details: [{ providerId: "sso", error: { message: "OAUTH_ACCOUNT_SUBJECT_INVALID" } }] });
    expect(second!.details[0]).toMatchObject({ type: "TypeError", message: "fetch failed", stack: expect.stringContaining("TypeError: fetch failed") });
  });
});
