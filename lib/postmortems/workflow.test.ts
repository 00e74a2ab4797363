import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POSTMORTEM_ACTIONS, type TPostmortemAction } from "@/lib/postmortems/schemas";
import { availableActions, decideTransition, isEditable, WORKFLOW, type TWorkflowActor, type TWorkflowState } from "@/lib/postmortems/workflow";

/** The people of one team: who they are decides what the permission table gives them. */
const PEOPLE = {
  viewer: { userId: 1, mayWrite: false, mayReview: false },
  member: { userId: 2, mayWrite: true, mayReview: false },
  secondMember: { userId: 3, mayWrite: true, mayReview: false },
  approver: { userId: 4, mayWrite: true, mayReview: true },
  secondApprover: { userId: 5, mayWrite: true, mayReview: true },
  admin: { userId: 6, mayWrite: true, mayReview: true },
} satisfies Record<string, TWorkflowActor>;
type TWho = keyof typeof PEOPLE;
const WHO = Object.keys(PEOPLE) as TWho[];

/** A step of the simulation: someone saves a section (becoming an author, while it is editable) or tries an action. */
type TStep = { kind: "write"; who: TWho } | { kind: "act"; who: TWho; action: TPostmortemAction };
const step: fc.Arbitrary<TStep> = fc.oneof(
  fc.record({ kind: fc.constant("write" as const), who: fc.constantFrom(...WHO) }),
  fc.record({ kind: fc.constant("act" as const), who: fc.constantFrom(...WHO), action: fc.constantFrom(...POSTMORTEM_ACTIONS) }),
);

const initial = (authorId: number | null): TWorkflowState => ({ status: "DRAFT", authorIds: new Set(authorId === null ? [] : [authorId]), approvedById: null });

describe("the postmortem workflow", () => {
  it("never lets any sequence of actions by anyone reach a state the rules forbid", () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...WHO), { nil: null }), fc.array(step, { maxLength: 40 }), (creator, steps) => {
        let state = initial(creator === null ? null : PEOPLE[creator].userId);
        for (const s of steps) {
          const actor = PEOPLE[s.who];
          if (s.kind === "write") {
            // Only people who may write can save a section, and only while it is editable (the server's assertEditable).
            if (actor.mayWrite && isEditable(state.status)) state = { ...state, authorIds: new Set([...state.authorIds, actor.userId]) };
            continue;
          }
          const before = state;
          const decision = decideTransition(state, s.action, actor);
          if (!decision.ok) continue;
          state = { ...state, ...decision.next };
          const rule = WORKFLOW[s.action];

          // The move is one the table allows from where it was, by someone holding the right permission.
          expect(rule.from).toContain(before.status);
          expect(state.status).toBe(rule.to);
          if (rule.needs === "review") expect(actor.mayReview).toBe(true);
          if (rule.needs === "write") expect(actor.mayWrite).toBe(true);
          if (rule.needs === "either") expect(actor.mayWrite || actor.mayReview).toBe(true);
          // Nobody approves (or sends back) what they wrote.
          if (s.action === "approve" || s.action === "request_changes") expect(before.authorIds.has(actor.userId)).toBe(false);
        }
        // Whatever happened: approved and published postmortems carry an approval by a reviewer who wrote none of it.
        if (state.status === "APPROVED" || state.status === "PUBLISHED") {
          expect(state.approvedById).not.toBeNull();
          expect(state.authorIds.has(state.approvedById!)).toBe(false);
          const approver = Object.values(PEOPLE).find((p) => p.userId === state.approvedById)!;
          expect(approver.mayReview).toBe(true);
        } else {
          expect(state.approvedById).toBeNull();
        }
      }),
      { numRuns: 2_000 },
    );
  }, 30_000);

  it("refuses self-approval, even by an admin", () => {
    const state: TWorkflowState = { status: "IN_REVIEW", authorIds: new Set([PEOPLE.admin.userId]), approvedById: null };
    expect(decideTransition(state, "approve", PEOPLE.admin)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(decideTransition(state, "approve", PEOPLE.approver)).toEqual({ ok: true, next: { status: "APPROVED", approvedById: PEOPLE.approver.userId } });
  });

  it("publishes only after an approval, and reopening clears it", () => {
    const draft = initial(PEOPLE.member.userId);
    expect(decideTransition(draft, "publish", PEOPLE.admin)).toMatchObject({ ok: false, code: "CONFLICT" });
    const approved: TWorkflowState = { ...draft, status: "APPROVED", approvedById: PEOPLE.approver.userId };
    expect(decideTransition(approved, "publish", PEOPLE.member)).toEqual({ ok: true, next: { status: "PUBLISHED", approvedById: PEOPLE.approver.userId } });
    expect(decideTransition({ ...approved, status: "PUBLISHED" }, "reopen", PEOPLE.approver)).toEqual({ ok: true, next: { status: "DRAFT", approvedById: null } });
    expect(decideTransition({ ...approved, status: "PUBLISHED" }, "reopen", PEOPLE.member)).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });

  it("offers each person exactly the actions that would succeed", () => {
    const inReview: TWorkflowState = { status: "IN_REVIEW", authorIds: new Set([PEOPLE.member.userId, PEOPLE.approver.userId]), approvedById: null };
    expect(availableActions(inReview, PEOPLE.viewer)).toEqual([]);
    expect(availableActions(inReview, PEOPLE.member)).toEqual(["withdraw"]);
    // The approver wrote part of it: they may withdraw it or say it is not needed, but not review it.
    expect(availableActions(inReview, PEOPLE.approver)).toEqual(["withdraw", "not_required"]);
    expect(availableActions(inReview, PEOPLE.secondApprover)).toEqual(["withdraw", "request_changes", "approve", "not_required"]);
  });
});
