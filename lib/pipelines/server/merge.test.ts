import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toExecutionRecord } from "@/lib/pipelines/collect/codepipeline";
import { executionSummary } from "@/lib/testing/aws/fake-codepipeline";
import type { TStageDeclaration } from "@/lib/pipelines/collect/types";
import { ACTION_STATES, PIPELINE_STATES, STAGE_STATES, type TCodePipelineEvent } from "@/lib/pipelines/server/aws-events";
import {
  applyEventToExecution,
  applyEventToState,
  failureFromStages,
  mergeSyncedExecution,
  newExecution,
  type TExecutionSnapshot,
  type TPipelineStateSnapshot,
} from "@/lib/pipelines/server/merge";

const STRUCTURE: TStageDeclaration[] = [
  { name: "Source", actions: [{ name: "Checkout", category: "Source", provider: "CodeStarSourceConnection", runOrder: 1 }] },
  { name: "Build", actions: [{ name: "Compile", category: "Build", provider: "CodeBuild", runOrder: 1 }, { name: "Test", category: "Test", provider: "CodeBuild", runOrder: 2 }] },
  { name: "Production", actions: [{ name: "Deploy", category: "Deploy", provider: "ECS", runOrder: 1 }] },
];
const T0 = Date.parse("2026-11-02T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const base = (id: string, executionId: string, seconds: number) => ({
  id,
  time: at(seconds),
  accountId: "123456789012",
  region: "eu-west-1",
  pipeline: "web",
  pipelineArn: "arn:aws:codepipeline:eu-west-1:123456789012:web",
  executionId,
  startTime: null,
});

/** Folds events into executions and the pipeline state, as the database would hold them. */
function applyAll(events: readonly TCodePipelineEvent[], seen = new Set<string>()) {
  const executions = new Map<string, TExecutionSnapshot>();
  let state: TPipelineStateSnapshot = { structure: STRUCTURE, state: [], clock: {}, lastSyncedAt: null };
  for (const event of events) {
    if (seen.has(event.id)) continue; // EventReceipt
    seen.add(event.id);
    const execution = applyEventToExecution(executions.get(event.executionId) ?? newExecution(event), event, STRUCTURE);
    executions.set(event.executionId, execution);
    state = applyEventToState(state, event, execution);
  }
  return { executions: Object.fromEntries([...executions].sort(([a], [b]) => (a < b ? -1 : 1))), state };
}

type TEventWithoutId = TCodePipelineEvent extends infer E ? (E extends unknown ? Omit<E, "id"> : never) : never;

const ZEventArbitrary = fc
  .record({
    executionId: fc.constantFrom("e1", "e2"),
    // Few distinct seconds, so that ties of time are common.
    seconds: fc.integer({ min: 0, max: 6 }),
    kind: fc.constantFrom("pipeline", "stage", "action"),
    stage: fc.constantFrom(...STRUCTURE.map((s) => s.name)),
    actionIndex: fc.nat(1),
    pipelineState: fc.constantFrom(...PIPELINE_STATES),
    stageState: fc.constantFrom(...STAGE_STATES),
    actionState: fc.constantFrom(...ACTION_STATES),
    isRollbackTrigger: fc.boolean(),
    summary: fc.constantFrom(null, "Deployment failed", "All good"),
  })
  .map(({ executionId, seconds, kind, stage, actionIndex, pipelineState, stageState, actionState, isRollbackTrigger, summary }): TEventWithoutId => {
    const common = base("", executionId, seconds);
    if (kind === "pipeline") {
      return { ...common, kind, state: pipelineState, trigger: pipelineState === "STARTED" ? { triggerType: isRollbackTrigger ? "AutomatedRollback" : "Webhook", triggerDetail: null } : null };
    }
    if (kind === "stage") return { ...common, kind, stage, state: stageState };
    const declared = STRUCTURE.find((s) => s.name === stage)!.actions;
    const action = declared[actionIndex % declared.length]!;
    return {
      ...common,
      kind,
      stage,
      action: action.name,
      state: actionState,
      category: action.category,
      result: summary === null ? null : { url: "https://example.com/run", summary, externalId: `rev-${seconds}`, errorCode: actionState === "FAILED" ? "JobFailed" : null },
    };
  });

const ZEventsArbitrary = fc
  .array(ZEventArbitrary, { minLength: 1, maxLength: 25 })
  .map((events) => events.map((e, i) => ({ ...e, id: `evt-${String(i).padStart(2, "0")}` }) as TCodePipelineEvent));

describe("merging events", () => {
  it("gives the same executions and pipeline state whatever the order, and whatever is delivered twice", () => {
    fc.assert(
      fc.property(ZEventsArbitrary, fc.array(fc.nat(), { maxLength: 10 }), fc.integer(), (events, duplicated, seed) => {
        const inOrder = applyAll(events);
        const withReplays = [...events, ...duplicated.map((i) => events[i % events.length]!)];
        const shuffled = fc.sample(fc.shuffledSubarray(withReplays, { minLength: withReplays.length, maxLength: withReplays.length }), { seed, numRuns: 1 })[0]!;
        expect(applyAll(shuffled)).toEqual(inOrder);
      }),
      { numRuns: 400 },
    );
  }, 30_000);

  it("never lets an older event overwrite a newer one", () => {
    const started = { ...base("a", "e1", 0), kind: "stage", stage: "Build", state: "STARTED" } as const;
    const failed = { ...base("b", "e1", 40), kind: "stage", stage: "Build", state: "FAILED" } as const;
    const { executions, state } = applyAll([failed, started]);
    expect(executions.e1!.stages.map((s) => [s.name, s.status, s.startedAt, s.lastUpdatedAt])).toEqual([["Build", "Failed", at(0).toISOString(), at(40).toISOString()]]);
    expect(state.state.map((s) => [s.name, s.latestExecution?.status])).toEqual([["Build", "Failed"]]);
  });

  it("orders states of the same second: started, then stopping, then final", () => {
    const events: TCodePipelineEvent[] = [
      { ...base("z", "e1", 5), kind: "action", stage: "Build", action: "Compile", state: "SUCCEEDED", category: "Build", result: null },
      { ...base("a", "e1", 5), kind: "action", stage: "Build", action: "Compile", state: "STARTED", category: "Build", result: null },
    ];
    expect(applyAll(events).executions.e1!.stages[0]!.actions[0]!.status).toBe("Succeeded");
    expect(applyAll([...events].reverse()).executions.e1!.stages[0]!.actions[0]!.status).toBe("Succeeded");
  });

  it("takes the failed action and its reason from the action events, and the commit from the source action", () => {
    const { executions, state } = applyAll([
      { ...base("1", "e1", 0), kind: "pipeline", state: "STARTED", trigger: { triggerType: "WebhookV2", triggerDetail: "conn" }, startTime: new Date(T0 - 250) },
      { ...base("2", "e1", 1), kind: "action", stage: "Source", action: "Checkout", state: "SUCCEEDED", category: "Source", result: { url: "https://github.com/acme/web/commit/abc1234", summary: "Fix", externalId: "abc1234abc1234abc1234abc1234abc1234abc12", errorCode: null } },
      { ...base("3", "e1", 9), kind: "action", stage: "Production", action: "Deploy", state: "FAILED", category: "Deploy", result: { url: null, summary: "ECS did not stabilise", externalId: null, errorCode: "JobFailed" } },
      { ...base("4", "e1", 9), kind: "pipeline", state: "FAILED", trigger: null },
    ]);
    expect(executions.e1).toMatchObject({
      status: "FAILED",
      failedAction: "Production.Deploy",
      failureReason: "ECS did not stabilise",
      startedAt: new Date(T0 - 250),
      lastUpdatedAt: at(9),
      trigger: { triggerType: "WebhookV2", triggerDetail: "conn" },
      sourceRevisions: [{ actionName: "Checkout", revisionId: "abc1234abc1234abc1234abc1234abc1234abc12", revisionSummary: "Fix", revisionUrl: "https://github.com/acme/web/commit/abc1234" }],
    });
    expect(state.state.find((s) => s.name === "Source")?.actions[0]?.revisionId).toBe("abc1234abc1234abc1234abc1234abc1234abc12");
    // Declared order, whatever order they were seen in.
    expect(executions.e1!.stages.map((s) => s.name)).toEqual(["Source", "Production"]);
  });

  it("knows a rollback from its trigger, and shows it as such on the stages it reached", () => {
    const { executions, state } = applyAll([
      { ...base("1", "r1", 2), kind: "stage", stage: "Production", state: "STARTED" },
      { ...base("2", "r1", 1), kind: "pipeline", state: "STARTED", trigger: { triggerType: "AutomatedRollback", triggerDetail: null } },
    ]);
    expect(executions.r1!.executionType).toBe("ROLLBACK");
    expect(state.state[0]!.latestExecution).toEqual({ executionId: "r1", status: "InProgress", type: "ROLLBACK" });
  });

  it("ignores, for the pipeline's state, events no newer than the last sync", () => {
    const current: TPipelineStateSnapshot = { structure: STRUCTURE, state: [], clock: {}, lastSyncedAt: at(10) };
    const old = { ...base("1", "e1", 10), kind: "stage", stage: "Build", state: "STARTED" } as const;
    expect(applyEventToState(current, old, newExecution(old))).toBe(current);
    const recent = { ...base("2", "e1", 11), kind: "stage", stage: "Build", state: "STARTED" } as const;
    expect(applyEventToState(current, recent, newExecution(recent)).state).toHaveLength(1);
  });
});

describe("mergeSyncedExecution", () => {
  const record = (status: "InProgress" | "Succeeded" | "Failed", lastUpdateMinute = 20) =>
    toExecutionRecord(executionSummary("e1", status, 0, { lastUpdateTime: new Date(Date.parse("2026-11-02T10:00:00Z") + lastUpdateMinute * 60_000) }))!;

  it("takes AWS's status unless a newer event was applied since", () => {
    const synced = mergeSyncedExecution(null, record("InProgress", 5));
    expect(synced.status).toBe("IN_PROGRESS");
    const succeeded = { ...base("s", "e1", 10 * 60), kind: "pipeline", state: "SUCCEEDED", trigger: null } as const;
    const afterEvent = applyEventToExecution(synced, succeeded, STRUCTURE);
    expect(afterEvent.status).toBe("SUCCEEDED");
    // A sync that read AWS before that event does not undo it.
    expect(mergeSyncedExecution(afterEvent, record("InProgress", 5)).status).toBe("SUCCEEDED");
    // One that read it after does.
    expect(mergeSyncedExecution(afterEvent, record("Failed", 30)).status).toBe("FAILED");
  });

  it("keeps stored stages when it did not fetch them, and keeps ListPipelineExecutions' reason for a failure", () => {
    const failed = record("Failed");
    const merged = mergeSyncedExecution(null, { ...failed, failureReason: "Deploy failed" });
    expect(merged).toMatchObject({ stages: [], failureReason: "Deploy failed", failedAction: null });
    const stages = [{ name: "Production", status: "Failed" as const, startedAt: null, lastUpdatedAt: null, actions: [{ name: "Deploy", status: "Failed" as const, startedAt: null, lastUpdatedAt: null, summary: null, externalUrl: null, errorMessage: "boom" }] }];
    const fetched = mergeSyncedExecution(merged, { ...failed, stages, failedAction: "Production.Deploy", failureReason: "boom" });
    expect(fetched).toMatchObject({ failedAction: "Production.Deploy", failureReason: "boom" });
    expect(mergeSyncedExecution(fetched, { ...failed, failureReason: "Deploy failed" }).stages).toEqual(stages);
  });
});

describe("failureFromStages", () => {
  it("names the action that failed last", () => {
    const action = (name: string, status: "Failed" | "Succeeded", lastUpdatedAt: string) => ({ name, status, startedAt: null, lastUpdatedAt, summary: null, externalUrl: null, errorMessage: `${name} broke` });
    expect(
      failureFromStages([
        { name: "Build", status: "Failed", startedAt: null, lastUpdatedAt: null, actions: [action("Test", "Failed", "2026-11-02T10:01:00.000Z")] },
        { name: "Production", status: "Failed", startedAt: null, lastUpdatedAt: null, actions: [action("Deploy", "Failed", "2026-11-02T10:05:00.000Z"), action("Smoke", "Succeeded", "2026-11-02T10:06:00.000Z")] },
      ]),
    ).toEqual({ failedAction: "Production.Deploy", failureReason: "Deploy broke" });
    expect(failureFromStages([])).toBeNull();
  });
});

describe("a retried action", () => {
  it("clears the failure it no longer has, whatever the order", () => {
    const events: TCodePipelineEvent[] = [
      { ...base("1", "e1", 5), kind: "action", stage: "Production", action: "Deploy", state: "FAILED", category: "Deploy", result: { url: null, summary: "boom", externalId: null, errorCode: null } },
      { ...base("2", "e1", 9), kind: "action", stage: "Production", action: "Deploy", state: "SUCCEEDED", category: "Deploy", result: null },
      { ...base("3", "e1", 10), kind: "pipeline", state: "FAILED", trigger: null },
    ];
    const orders = [events, [events[2]!, events[0]!, events[1]!], [events[1]!, events[2]!, events[0]!]];
    for (const order of orders) expect(applyAll(order).executions.e1).toMatchObject({ status: "FAILED", failedAction: null, failureReason: null });
  });
});
