import { describe, expect, it } from "vitest";
import type { TAwsAccountRef, TSyncStats } from "@/lib/aws/clients";
import { listProblems, mapWithConcurrency, readRegions, type TAwsAccountToSync, type TRegionReader } from "@/lib/aws/fan-out";
import { AppError } from "@/lib/errors";

/** A stand-in client: the fan-out only builds it and hands it to the reader. */
class FakeClient {
  middlewareStack = { add: () => undefined } as never;
  constructor(readonly config: { region?: unknown }) {}
}

interface TFakeResult {
  accountId: string;
  region: string;
  stored: string | undefined;
  failures: string[];
}

const ACCOUNTS: TAwsAccountToSync[] = [
  { accountId: "111111111111", roleArn: null, externalId: null, regions: ["eu-west-1", "us-east-1"] },
  { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/read", externalId: "x", regions: ["eu-west-1"] },
];

function reader(read: TRegionReader<FakeClient, string, TFakeResult, { tag: string }>["read"]): TRegionReader<FakeClient, string, TFakeResult, { tag: string }> {
  return { label: "Fake sync", clientClass: FakeClient, read, describeProblems: (result) => (result.failures.length > 0 ? result.failures.join("; ") : null) };
}

const createClient = (account: TAwsAccountRef, region: string, stats: TSyncStats) => {
  stats.calls += 1;
  return new FakeClient({ region: `${account.accountId}/${region}` });
};

describe("readRegions", () => {
  it("reads every account × region with its stored state and tuning, and reports each one's outcome in order", async () => {
    const stored: string[] = [];
    const outcomes = await readRegions(
      ACCOUNTS,
      reader(async ({ client, accountId, region, stored, tuning }) => {
        expect(client.config.region).toBe(`${accountId}/${region}`);
        return { accountId, region, stored: `${stored}+${tuning.tag}`, failures: region === "us-east-1" ? ["one resource: denied"] : [] };
      }),
      {
        tuning: { tag: "t" },
        createClient,
        loadStored: async ({ accountId, region }) => `${accountId.slice(0, 1)}:${region}`,
        onRegionRead: async (result) => void stored.push(result.stored ?? ""),
        regionConcurrency: 2,
      },
    );
    expect(outcomes.map(({ accountId, region, ok, status, error, stats, result }) => ({ accountId, region, ok, status, error, calls: stats.calls, stored: result?.stored }))).toEqual([
      { accountId: "111111111111", region: "eu-west-1", ok: true, status: "SUCCEEDED", error: undefined, calls: 1, stored: "1:eu-west-1+t" },
      { accountId: "111111111111", region: "us-east-1", ok: true, status: "PARTIAL", error: "one resource: denied", calls: 1, stored: "1:us-east-1+t" },
      { accountId: "222222222222", region: "eu-west-1", ok: true, status: "SUCCEEDED", error: undefined, calls: 1, stored: "2:eu-west-1+t" },
    ]);
    expect(stored.sort()).toEqual(["1:eu-west-1+t", "1:us-east-1+t", "2:eu-west-1+t"]);
  });

  it("fails only the region whose read, stored state or storage fails, with the AppError's message or one naming the collector", async () => {
    const outcomes = await readRegions(
      ACCOUNTS,
      reader(async ({ accountId, region }) => {
        if (accountId === "222222222222") throw new AppError("UPSTREAM", "Could not list fake resources in account 222222222222.");
        return { accountId, region, stored: undefined, failures: [] };
      }),
      {
        tuning: { tag: "t" },
        createClient,
        loadStored: async ({ region }) => {
          if (region === "us-east-1") throw new Error("database unavailable");
          return "s";
        },
        onRegionRead: async () => undefined,
      },
    );
    expect(outcomes.map(({ accountId, region, ok, status, error }) => [accountId, region, ok, status, error])).toEqual([
      ["111111111111", "eu-west-1", true, "SUCCEEDED", undefined],
      ["111111111111", "us-east-1", false, "FAILED", "Fake sync of account 111111111111, region us-east-1 failed: database unavailable"],
      ["222222222222", "eu-west-1", false, "FAILED", "Could not list fake resources in account 222222222222."],
    ]);
    expect(outcomes.every((o) => o.result === undefined || o.ok)).toBe(true);
  });
});

describe("mapWithConcurrency", () => {
  it("never runs more than the limit at once, and keeps the input order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await Promise.resolve();
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});

describe("listProblems", () => {
  it("lists the first three problems and counts the rest", () => {
    const problems = ["a", "b", "c", "d", "e"].map((name) => ({ name, error: "denied" }));
    expect(listProblems(problems)).toBe("a: denied; b: denied; c: denied; and 2 more");
    expect(listProblems(problems.slice(0, 1))).toBe("a: denied");
  });
});
