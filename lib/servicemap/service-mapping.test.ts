import { describe, expect, it } from "vitest";
import { serviceMatcher } from "@/lib/servicemap/service-mapping";

const match = serviceMatcher([
  { id: 1, slug: "shipping-api", name: "Shipping API", xrayName: "shipping-api-prod" },
  { id: 2, slug: "orders", name: "Order Service", xrayName: null },
  { id: 3, slug: "billing", name: "Billing", xrayName: "orders-legacy" },
]);

describe("serviceMatcher", () => {
  it("prefers the catalog annotation, then the slug, then the name", () => {
    expect(match({ name: "shipping-api-prod", type: "AWS::ECS::Container" })).toEqual({ serviceId: 1, source: "annotation" });
    expect(match({ name: "shipping-api", type: "AWS::ECS::Container" })).toEqual({ serviceId: 1, source: "slug" });
    expect(match({ name: "orders", type: "AWS::Lambda::Function" })).toEqual({ serviceId: 2, source: "slug" });
    expect(match({ name: "order service", type: "AWS::EC2::Instance" })).toEqual({ serviceId: 2, source: "name" });
    expect(match({ name: "orders-legacy", type: "AWS::EC2::Instance" })).toEqual({ serviceId: 3, source: "annotation" });
  });

  it("leaves clients and unknown names unmapped", () => {
    expect(match({ name: "orders", type: "client" })).toBeNull();
    expect(match({ name: "payments-table", type: "AWS::DynamoDB::Table" })).toBeNull();
  });
});
