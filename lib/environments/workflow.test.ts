import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ENVIRONMENT_ACTIONS,
  availableActions,
  decideTransition,
  validApprovals,
  type TEnvironmentAction,
  type TEnvironmentState,
  type TWorkflowActor,
  type TWorkflowState,
} from "@/lib/environments/workflow";

/** The rules as issue 19 writes them, kept apart from the table under test: from → the states each may reach. */
const ALLOWED: Record<TEnvironmentState, readonly TEnvironmentState[]> = {
  DRAFT: ["DRAFT", "SUBMITTED", "CANCELLED"],
  SUBMITTED: ["POLICY_DENIED", "PENDING_APPROVAL", "APPROVED", "CANCELLED"],
  PENDING_APPROVAL: ["PENDING_APPROVAL", "APPROVED", "REJECTED", "CANCELLED", "APPROVAL_EXPIRED", "SUBMITTED"],
  APPROVED: ["PROVISIONING", "POLICY_DENIED", "CANCELLED"],
  PROVISIONING: ["READY", "FAILED"],
  READY: ["READY", "EXTENSION_PENDING", "DESTROYING"],
  EXTENSION_PENDING: ["READY", "DESTROYING"],
  FAILED: ["DESTROYING"],
  DESTROYING: ["DESTROYED", "DESTROY_FAILED"],
  DESTROY_FAILED: ["DESTROYING"],
  POLICY_DENIED: [],
  REJECTED: [],
  CANCELLED: [],
  APPROVAL_EXPIRED: [],
  DESTROYED: [],
};

const REQUESTER = 1;
const person = (userId: number, roles: { isMember?: boolean; isApprover?: boolean; isAdmin?: boolean }): TWorkflowActor => ({
  kind: "person",
  userId,
  isMember: roles.isMember ?? false,
  isApprover: roles.isApprover ?? false,
  isAdmin: roles.isAdmin ?? false,
});
/** Every kind of party, the requester among them as a plain member and as an admin approver. */
const ACTORS: readonly TWorkflowActor[] = [
  { kind: "system" },
  person(REQUESTER, { isMember: true }),
  person(REQUESTER, { isMember: true, isApprover: true, isAdmin: true }),
  person(2, { isMember: true }),
  person(3, { isMember: true, isApprover: true }),
  person(4, { isApprover: true }),
  person(5, { isApprover: true, isAdmin: true, isMember: true }),
  person(6, {}),
];

const start = (requiredApprovals: number): TWorkflowState => ({
  state: "DRAFT",
  requesterId: REQUESTER,
  extensionRequesterId: null,
  hash: "h0",
  requiredApprovals,
  approvals: [],
});

describe("the environment request state machine", () => {
  it("never leaves the rules, whatever anyone does in any order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        // Each step is any action by anyone, or (so that walks get deep) one of the actions someone can take now.
        // A walk that ends (rejected, destroyed…) starts again with a new request, so one run goes through many.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(...ENVIRONMENT_ACTIONS), fc.nat(), fc.integer({ min: 0, max: ACTORS.length - 1 })), {
          minLength: 50,
          maxLength: 300,
        }),
        (required, steps) => {
          let state = start(required);
          let revisions = 0;
          for (const [dice, anyAction, pick, actorIndex] of steps) {
            if (ALLOWED[state.state].length === 0 && dice === 0) state = start(required);
            const isAvailable = dice < 8;
            const current = state;
            const available = ACTORS.flatMap((who) => availableActions(current, who).map((what) => [what, who] as const));
            const [action, actor] = isAvailable && available.length > 0 ? available[pick % available.length]! : [anyAction, ACTORS[actorIndex]!];
            const decision = decideTransition(state, action, actor);
            if (!decision.ok) continue;
            expect(ALLOWED[state.state]).toContain(decision.next.state);
            // Nobody decides on what they asked for, admins included.
            if (actor.kind === "person" && ["approve", "reject"].includes(action)) expect(actor.userId).not.toBe(state.requesterId);
            if (actor.kind === "person" && ["approve_extension", "reject_extension"].includes(action)) expect(actor.userId).not.toBe(state.extensionRequesterId);
            const next: TWorkflowState = { ...state, ...decision.next };
            // A revision asks for something else: the server computes a new binding hash.
            if (action === "revise") next.hash = `h${++revisions}`;
            expect(next.approvals.every((a) => a.userId !== REQUESTER)).toBe(true);
            if (next.state === "APPROVED" && action === "approve") expect(validApprovals(next).length).toBeGreaterThanOrEqual(Math.max(1, required));
            if (next.state === "APPROVED" && state.state === "SUBMITTED") expect(required).toBe(0);
            // Nothing provisions without the approvals of exactly what is asked for now.
            if (next.state === "PROVISIONING") expect(validApprovals(next).length).toBeGreaterThanOrEqual(required);
            state = next;
          }
        },
      ),
      // About 15 s on two busy cores; the budget leaves room for a slower machine.
      { numRuns: 1_000 },
    );
  }, 120_000);

  it("voids an approval when what was approved changes", () => {
    let state: TWorkflowState = { ...start(2), state: "PENDING_APPROVAL" };
    const approve = (s: TWorkflowState, who: TWorkflowActor) => {
      const d = decideTransition(s, "approve", who);
      if (!d.ok) throw new Error(d.message);
      return { ...s, ...d.next };
    };
    state = approve(state, ACTORS[4]!);
    expect(state.state).toBe("PENDING_APPROVAL");
    const revised = decideTransition(state, "revise", ACTORS[1]!);
    expect(revised.ok && revised.next.state).toBe("SUBMITTED");
    // The policy check sends it back for approval, bound to the new hash: the first approval no longer counts.
    state = { ...state, state: "PENDING_APPROVAL", hash: "h1" };
    expect(validApprovals(state)).toEqual([]);
    state = approve(state, ACTORS[5]!);
    expect(state.state).toBe("PENDING_APPROVAL");
    state = approve(state, ACTORS[4]!);
    expect(state.state).toBe("APPROVED");
    expect(decideTransition(state, "launch", { kind: "system" }).ok).toBe(true);
  });

  it("refuses self-approval to an admin, and a second approval by the same person", () => {
    const pending: TWorkflowState = { ...start(2), state: "PENDING_APPROVAL" };
    expect(decideTransition(pending, "approve", ACTORS[2]!)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const once = decideTransition(pending, "approve", ACTORS[4]!);
    expect(once.ok).toBe(true);
    const again = decideTransition({ ...pending, ...(once.ok ? once.next : {}) }, "approve", ACTORS[4]!);
    expect(again).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("lets an approver, not the one who asked, decide on an extension", () => {
    const ready: TWorkflowState = { ...start(1), state: "READY" };
    // User 5 is a member and an approver (and an admin): asking makes them unable to decide on it.
    const asked = decideTransition(ready, "request_extension", ACTORS[6]!);
    expect(asked).toMatchObject({ ok: true, next: { state: "EXTENSION_PENDING", extensionRequesterId: 5 } });
    const pending = { ...ready, ...(asked.ok ? asked.next : {}) };
    expect(decideTransition(pending, "approve_extension", ACTORS[6]!)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(decideTransition(pending, "approve_extension", ACTORS[5]!)).toMatchObject({ ok: true, next: { state: "READY", extensionRequesterId: null } });
  });

  it("offers each party only the buttons that work", () => {
    const pending: TWorkflowState = { ...start(1), state: "PENDING_APPROVAL" };
    expect(availableActions(pending, ACTORS[1]!)).toEqual<TEnvironmentAction[]>(["revise", "cancel"]);
    expect(availableActions(pending, ACTORS[4]!)).toEqual<TEnvironmentAction[]>(["approve", "reject"]);
    expect(availableActions(pending, { kind: "system" })).toEqual<TEnvironmentAction[]>(["expire_approval"]);
    expect(availableActions({ ...pending, state: "DESTROYED" }, ACTORS[5]!)).toEqual([]);
  });
});
