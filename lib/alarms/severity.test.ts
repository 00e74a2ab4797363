import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmSeverity, compileSeverityPattern, isIncidentWorthy, parseSeverity, severityPatternProblem } from "@/lib/alarms/severity";

describe("alarm severity", () => {
  it("reads the usual spellings of a severity, and nothing else", () => {
    expect(["SEV1", "sev-2", "Sev_3", "4", "P2", "critical", "LOW"].map(parseSeverity)).toEqual(["SEV1", "SEV2", "SEV3", "SEV4", "SEV2", "SEV1", "SEV4"]);
    expect(["", "SEV5", "P0", "urgent", null, undefined, "sev 12", "__proto__", "constructor", "toString"].map(parseSeverity)).toEqual([null, null, null, null, null, null, null, null, null, null]);
    fc.assert(fc.property(fc.string(), (text) => [null, "SEV1", "SEV2", "SEV3", "SEV4"].includes(parseSeverity(text))), { numRuns: 100 });
  }, 30_000);

  it("prefers the portside:severity tag, then the account's naming rule", () => {
    const pattern = compileSeverityPattern("^(P[1-4])-");
    expect(alarmSeverity({ tags: { "portside:severity": "SEV1" }, name: "P3-latency", pattern })).toBe("SEV1");
    expect(alarmSeverity({ tags: {}, name: "P3-latency", pattern })).toBe("SEV3");
    expect(alarmSeverity({ tags: { "portside:severity": "whatever" }, name: "latency", pattern })).toBeNull();
    expect(alarmSeverity({ tags: {}, name: "P3-latency", pattern: null })).toBeNull();
  });

  it("refuses a naming rule that is not a regular expression or says nothing about which part is the severity", () => {
    expect(compileSeverityPattern("([")).toBeNull();
    expect(compileSeverityPattern("^SEV[1-4]")).toBeNull();
    expect(compileSeverityPattern("-(sev[1-4])$")?.exec("api-errors-SEV2")?.[1]).toBe("SEV2");
  });

  it("accepts a naming rule only when its first capture group can capture SEV1–SEV4", () => {
    for (const ok of ["-(sev[1-4])-", "^(P[1-4])-", "(?<severity>SEV\\d)$", "^(?:prod|dev)-(critical|high|medium|low)-", "[(]x[)]-(sev-[1-4])", "(\\d)"]) {
      expect(severityPatternProblem(ok), ok).toBeNull();
    }
    expect(severityPatternProblem("([")).toMatch(/not a valid regular expression/);
    expect(severityPatternProblem("^SEV[1-4]")).toMatch(/needs a capture group/);
    expect(severityPatternProblem("(?:sev[1-4])")).toMatch(/needs a capture group/);
    expect(severityPatternProblem("^(prod|dev)-sev([1-4])")).toMatch(/first capture group must capture a severity/);
    expect(severityPatternProblem("-(sev[5-9])-")).toMatch(/first capture group must capture a severity/);
    expect(severityPatternProblem(`(sev[1-4])${"x".repeat(200)}`)).toMatch(/at most 200 characters/);
  });

  it("opens incidents for SEV1 and SEV2 unless told otherwise", () => {
    expect([null, "SEV1", "SEV2", "SEV3"].map((s) => isIncidentWorthy(s as never))).toEqual([false, true, true, false]);
    expect(isIncidentWorthy("SEV3", ["SEV3"])).toBe(true);
  });
});
