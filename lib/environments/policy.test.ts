import { describe, expect, it } from "vitest";
import { checkPolicy, formatCents, type TPolicyLimits, type TPolicyRequest, type TPolicyTemplate, type TPolicyUsage } from "@/lib/environments/policy";

const template: TPolicyTemplate = {
  type: "preview",
  sizes: [
    { name: "small", hourlyCostCents: 40 },
    { name: "medium", hourlyCostCents: 120 },
    { name: "large", hourlyCostCents: 480 },
  ],
  maxTtlHours: 168,
  targets: [{ accountId: "111111111111", regions: ["eu-west-1", "us-east-1"] }],
  allowedTeamIds: [10, 11],
  approval: { autoApproveUnder: { size: "small", ttlHours: 24 }, approvers: 2 },
};
const request: TPolicyRequest = { teamId: 10, accountId: "111111111111", region: "eu-west-1", size: "medium", ttlHours: 48 };
const usage: TPolicyUsage = { byPerson: 0, byTeam: 2, byTeamOfType: 1, teamCommittedCents: 10_000 };
const limits: TPolicyLimits = { perPerson: 2, perTeam: 5, perTeamOfType: 3, teamQuotaCents: 20_000 };

describe("checkPolicy", () => {
  it("allows a request within every limit, with its estimate and the approvals its rule needs", () => {
    expect(checkPolicy({ template, request, usage, limits })).toEqual({
      isAllowed: true,
      problems: [],
      estimate: { hourlyCents: 120, totalCents: 5_760 },
      approval: { isAutomatic: false, required: 2 },
    });
  });

  it("approves automatically under every bound of the rule, and only then", () => {
    expect(checkPolicy({ template, request: { ...request, size: "small", ttlHours: 24 }, usage, limits }).approval).toEqual({ isAutomatic: true, required: 0 });
    expect(checkPolicy({ template, request: { ...request, size: "small", ttlHours: 25 }, usage, limits }).approval).toEqual({ isAutomatic: false, required: 2 });
    const byCost: TPolicyTemplate = { ...template, approval: { autoApproveUnder: { costCents: 5_760 }, approvers: 1 } };
    expect(checkPolicy({ template: byCost, request, usage, limits }).approval.isAutomatic).toBe(true);
    expect(checkPolicy({ template: byCost, request: { ...request, ttlHours: 49 }, usage, limits }).approval).toEqual({ isAutomatic: false, required: 1 });
  });

  it("refuses a request over the team's spend quota, saying what is left", () => {
    const decision = checkPolicy({ template, request: { ...request, size: "large", ttlHours: 48 }, usage, limits });
    expect(decision.isAllowed).toBe(false);
    expect(decision.problems).toEqual([
      "This would cost about $230.40, and your team has $100.00 left of its $200.00 spend quota ($100.00 is committed to its other environments): " +
        "choose a smaller size or a shorter time to live, or destroy an environment first.",
    ]);
    // Exactly at the quota is allowed.
    expect(checkPolicy({ template, request, usage: { ...usage, teamCommittedCents: 20_000 - 5_760 }, limits }).isAllowed).toBe(true);
    expect(checkPolicy({ template, request, usage: { ...usage, teamCommittedCents: 20_000 - 5_759 }, limits }).isAllowed).toBe(false);
  });

  it("lists every problem at once, in plain words", () => {
    const decision = checkPolicy({
      template,
      request: { teamId: 12, accountId: "222222222222", region: "ap-south-1", size: "huge", ttlHours: 200 },
      usage: { byPerson: 2, byTeam: 5, byTeamOfType: 3, teamCommittedCents: 0 },
      limits,
    });
    expect(decision.isAllowed).toBe(false);
    expect(decision.estimate).toBeNull();
    expect(decision.problems).toEqual([
      "This template is not offered to your team: ask a platform admin to allow it.",
      "This template cannot run in account 222222222222: choose one of 111111111111.",
      'There is no size "huge": choose one of small, medium, large.',
      "A time to live of 200 hours is over this template's maximum of 168 hours.",
      "You already have 2 environments running or asked for, the most one person may have (2): destroy or cancel one first.",
      "Your team already has 5 environments running or asked for, its limit (5): destroy or cancel one first.",
      "Your team already has 3 preview environments running or asked for, its limit for that type (3): destroy or cancel one first.",
    ]);
    expect(checkPolicy({ template, request: { ...request, region: "ap-south-1" }, usage, limits }).problems).toEqual([
      "This template cannot run in ap-south-1 in account 111111111111: choose one of eu-west-1, us-east-1.",
    ]);
    expect(checkPolicy({ template, request: { ...request, ttlHours: 0 }, usage, limits }).problems).toEqual(["The time to live must be a whole number of hours, at least 1."]);
  });

  it("has no limits where the organisation set none", () => {
    const none: TPolicyLimits = { perPerson: null, perTeam: null, perTeamOfType: null, teamQuotaCents: null };
    const open = checkPolicy({ template: { ...template, allowedTeamIds: null }, request: { ...request, teamId: 99 }, usage: { ...usage, byPerson: 50, byTeam: 50, byTeamOfType: 50, teamCommittedCents: 1e9 }, limits: none });
    expect(open.isAllowed).toBe(true);
  });

  it("formats cents as dollars", () => {
    expect(formatCents(123_456)).toBe("$1,234.56");
    expect(formatCents(5)).toBe("$0.05");
  });
});
