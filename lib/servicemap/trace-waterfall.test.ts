import { describe, expect, it } from "vitest";
import { buildWaterfall } from "@/lib/servicemap/trace-waterfall";

const frontend = JSON.stringify({
  id: "a1",
  name: "checkout-web",
  origin: "AWS::ECS::Container",
  start_time: 100,
  end_time: 100.5,
  http: { request: { method: "POST", url: "https://shop/checkout" }, response: { status: 502 } },
  fault: true,
  annotations: { tenant: "acme", nested: { no: 1 } },
  subsegments: [
    { id: "b2", name: "cart-api", namespace: "remote", start_time: 100.3, end_time: 100.49, fault: true },
    { id: "b1", name: "DynamoDB", namespace: "aws", start_time: 100.05, end_time: 100.1 },
  ],
});
const downstream = JSON.stringify({
  id: "c1",
  name: "cart-api",
  parent_id: "b2",
  start_time: 100.31,
  end_time: 100.48,
  fault: true,
  cause: { exceptions: [{ message: "connection reset", type: "IOError" }] },
});

describe("buildWaterfall", () => {
  it("nests segments under the subsegment that called them, in call order, with offsets", () => {
    const { spans, durationMs, startedAt } = buildWaterfall([downstream, frontend]);
    expect(spans.map((s) => [s.name, s.kind, s.depth])).toEqual([
      ["checkout-web", "segment", 0],
      ["DynamoDB", "subsegment", 1],
      ["cart-api", "subsegment", 1],
      ["cart-api", "segment", 2],
    ]);
    expect(startedAt).toEqual(new Date(100_000));
    expect(durationMs).toBeCloseTo(500);
    expect(spans[3]).toMatchObject({ startOffsetMs: expect.closeTo(310, 5), durationMs: expect.closeTo(170, 5), hasFault: true, cause: "connection reset" });
    expect(spans[0]).toMatchObject({ httpStatus: 502, httpMethod: "POST", annotations: { tenant: "acme" }, origin: "AWS::ECS::Container" });
  });

  it("shows an orphan segment as a root and skips a malformed document", () => {
    const { spans } = buildWaterfall([downstream, "{not json"]);
    expect(spans.map((s) => [s.name, s.depth, s.parentId])).toEqual([["cart-api", 0, null]]);
    expect(buildWaterfall([]).spans).toEqual([]);
  });
});
