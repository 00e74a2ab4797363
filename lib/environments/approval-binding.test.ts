import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approvalBindingHash, canonical, type TApprovalSubject } from "@/lib/environments/approval-binding";

const subject: TApprovalSubject = {
  templateVersionId: 7,
  parameters: { branch: "feature/login", replicas: 2, flags: { canary: true, region: "eu-west-1" } },
  size: "small",
  ttlHours: 48,
  estimateCents: 1_920,
};

describe("approvalBindingHash", () => {
  it("is the same for the same request written in another key order", () => {
    const reordered: TApprovalSubject = {
      estimateCents: 1_920,
      ttlHours: 48,
      size: "small",
      parameters: { flags: { region: "eu-west-1", canary: true }, replicas: 2, branch: "feature/login" },
      templateVersionId: 7,
    };
    expect(approvalBindingHash(reordered)).toBe(approvalBindingHash(subject));
    expect(approvalBindingHash(subject)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with anything that was approved", () => {
    const base = approvalBindingHash(subject);
    const changes: Partial<TApprovalSubject>[] = [
      { templateVersionId: 8 },
      { size: "medium" },
      { ttlHours: 49 },
      { estimateCents: 1_921 },
      { parameters: { ...subject.parameters, replicas: 3 } },
      { parameters: { ...subject.parameters, flags: { canary: false, region: "eu-west-1" } } },
      { parameters: { ...subject.parameters, extra: null } },
    ];
    for (const change of changes) expect(approvalBindingHash({ ...subject, ...change })).not.toBe(base);
  });

  it("tells any two different parameter sets apart", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), (a, b) => {
        fc.pre(JSON.stringify(canonical(a)) !== JSON.stringify(canonical(b)));
        expect(approvalBindingHash({ ...subject, parameters: a })).not.toBe(approvalBindingHash({ ...subject, parameters: b }));
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
