import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { parseJsonBody, withApi } from "@/lib/http";

describe("withApi", () => {
  it("maps an AppError to its status and a JSON error body with the request id", async () => {
    const handler = withApi(async () => {
      throw new AppError("UNPROCESSABLE", "Unknown service", { details: { unknownServices: ["x"] } });
    });
    const response = await handler(new Request("http://x/api", { headers: { "x-request-id": "req-1" } }));
    expect(response.status).toBe(422);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toEqual({
      error: { code: "UNPROCESSABLE", message: "Unknown service", details: { unknownServices: ["x"] }, requestId: "req-1" },
    });
  });

  it("never leaks an unexpected error: 500 with a generic message", async () => {
    const handler = withApi(async () => {
      throw new Error("password=hunter2 in a stack trace");
    });
    const response = await handler(new Request("http://x/api"));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("INTERNAL");
    expect(body.error.message).not.toMatch(/hunter2/);
    expect(body.error.requestId).toMatch(/[0-9a-f-]{36}/);
  });
});

describe("parseJsonBody", () => {
  const schema = z.object({ n: z.number() });
  const post = (body: string, type = "application/json") => new Request("http://x", { method: "POST", body, headers: { "content-type": type } });

  it("refuses a body that is not JSON", async () => {
    await expect(parseJsonBody(post("{nope"), schema)).rejects.toMatchObject({ code: "INVALID_INPUT", message: "The body is not valid JSON." });
    await expect(parseJsonBody(post("{}", "text/plain"), schema)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("refuses a body over the limit, even when it does not declare its length", async () => {
    const big = JSON.stringify({ n: 1, pad: "x".repeat(2000) });
    await expect(parseJsonBody(post(big), schema, 1000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(200)));
        controller.close();
      },
    });
    const chunked = new Request("http://x", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    await expect(parseJsonBody(chunked, schema, 1000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await expect(parseJsonBody(post('{"n":1}'), schema, 1000)).resolves.toEqual({ n: 1 });
  });

  it("lists the problems with their paths", async () => {
    await expect(parseJsonBody(post('{"n":"1"}'), schema)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { issues: [{ path: "n", message: expect.stringMatching(/number/) }] },
    });
  });
});
