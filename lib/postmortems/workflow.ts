/**
 * The postmortem's life cycle as data: which action moves it from which
 * state, who may take it, and what the approval rule forbids. Pure; the
 * server applies it inside a transaction (transition-postmortem.ts) and the
 * page uses it to show only the buttons that will work. A property test
 * (workflow.test.ts) walks random sequences of actions by every kind of
 * person and holds the invariants: nobody approves what they wrote, nothing
 * is published without an approval, and only the rules move a postmortem.
 */
import type { TPostmortemAction, TPostmortemStatus } from "@/lib/postmortems/schemas";

export interface TWorkflowState {
  status: TPostmortemStatus;
  /** Who wrote it: whoever created it and whoever saved a section. */
  authorIds: ReadonlySet<number>;
  approvedById: number | null;
}

/** The person acting, as the permission table sees them for the postmortem's team. */
export interface TWorkflowActor {
  userId: number;
  /** postmortem.write: members of the team, admins. */
  mayWrite: boolean;
  /** postmortem.review: the team's approvers, admins. */
  mayReview: boolean;
}

interface TRule {
  from: readonly TPostmortemStatus[];
  to: TPostmortemStatus;
  needs: "write" | "review" | "either";
  /** The reviewer must not be one of its authors. */
  isIndependent: boolean;
  label: string;
}

export const WORKFLOW: Record<TPostmortemAction, TRule> = {
  submit: { from: ["DRAFT"], to: "IN_REVIEW", needs: "write", isIndependent: false, label: "Send for review" },
  withdraw: { from: ["IN_REVIEW"], to: "DRAFT", needs: "write", isIndependent: false, label: "Withdraw from review" },
  request_changes: { from: ["IN_REVIEW"], to: "DRAFT", needs: "review", isIndependent: true, label: "Request changes" },
  approve: { from: ["IN_REVIEW"], to: "APPROVED", needs: "review", isIndependent: true, label: "Approve" },
  publish: { from: ["APPROVED"], to: "PUBLISHED", needs: "either", isIndependent: false, label: "Publish" },
  not_required: { from: ["DRAFT", "IN_REVIEW"], to: "NOT_REQUIRED", needs: "review", isIndependent: false, label: "Not required" },
  reopen: { from: ["APPROVED", "PUBLISHED", "NOT_REQUIRED"], to: "DRAFT", needs: "review", isIndependent: false, label: "Reopen" },
};

export type TDecision =
  | { ok: true; next: Pick<TWorkflowState, "status" | "approvedById"> }
  | { ok: false; code: "FORBIDDEN" | "CONFLICT"; message: string };

/** Sections, timeline and header can be changed while it is a draft or in review; approval freezes it until reopened. */
export function isEditable(status: TPostmortemStatus): boolean {
  return status === "DRAFT" || status === "IN_REVIEW";
}

export function decideTransition(state: TWorkflowState, action: TPostmortemAction, actor: TWorkflowActor): TDecision {
  const rule = WORKFLOW[action];
  const may = rule.needs === "write" ? actor.mayWrite : rule.needs === "review" ? actor.mayReview : actor.mayWrite || actor.mayReview;
  if (!may) {
    const who = rule.needs === "write" ? "the team's members" : rule.needs === "review" ? "the team's approvers and admins" : "the team's members and approvers";
    return { ok: false, code: "FORBIDDEN", message: `Only ${who} may ${rule.label.toLowerCase()} this postmortem.` };
  }
  if (!rule.from.includes(state.status)) {
    return { ok: false, code: "CONFLICT", message: `A postmortem that is ${state.status.toLowerCase().replace("_", " ")} cannot be moved by "${rule.label}".` };
  }
  if (rule.isIndependent && state.authorIds.has(actor.userId)) {
    return { ok: false, code: "FORBIDDEN", message: "You wrote part of this postmortem: someone who did not must review it." };
  }
  if (action === "publish" && state.approvedById === null) {
    return { ok: false, code: "CONFLICT", message: "It has no approval: it must be approved before it is published." };
  }
  const approvedById = action === "approve" ? actor.userId : rule.to === "DRAFT" || rule.to === "NOT_REQUIRED" ? null : state.approvedById;
  return { ok: true, next: { status: rule.to, approvedById } };
}

/** The actions this person can take now, for the page's buttons. */
export function availableActions(state: TWorkflowState, actor: TWorkflowActor): TPostmortemAction[] {
  return (Object.keys(WORKFLOW) as TPostmortemAction[]).filter((action) => decideTransition(state, action, actor).ok);
}
