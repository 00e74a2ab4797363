/**
 * An environment request's life cycle as data: which action moves it from
 * which state, who may take it, and what the approval rule forbids. Pure; the
 * server applies it inside a transaction and the pages use it to show only
 * the buttons that will work. A property test (workflow.test.ts) walks random
 * sequences of actions by every kind of actor and holds the invariants:
 * nobody approves their own request (admins included), an approval counts
 * only for exactly what was approved (its binding hash), nothing provisions
 * without the approvals its rule requires, and only the table moves a request.
 */

export const ENVIRONMENT_STATES = [
  "DRAFT",
  "SUBMITTED",
  "POLICY_DENIED",
  "PENDING_APPROVAL",
  "APPROVED",
  "REJECTED",
  "CANCELLED",
  "APPROVAL_EXPIRED",
  "PROVISIONING",
  "READY",
  "EXTENSION_PENDING",
  "FAILED",
  "DESTROYING",
  "DESTROYED",
  "DESTROY_FAILED",
] as const;
export type TEnvironmentState = (typeof ENVIRONMENT_STATES)[number];

/** States in which nothing more happens (the stack, if any, is gone or was never made). */
export const FINAL_STATES: ReadonlySet<TEnvironmentState> = new Set(["POLICY_DENIED", "REJECTED", "CANCELLED", "APPROVAL_EXPIRED", "DESTROYED"]);
/** States that count against a team's quotas: asked for, or running. */
export const ACTIVE_STATES: ReadonlySet<TEnvironmentState> = new Set([
  "SUBMITTED",
  "PENDING_APPROVAL",
  "APPROVED",
  "PROVISIONING",
  "READY",
  "EXTENSION_PENDING",
  "FAILED",
  "DESTROYING",
  "DESTROY_FAILED",
]);

export const ENVIRONMENT_ACTIONS = [
  "submit",
  "revise",
  "deny_policy",
  "await_approval",
  "auto_approve",
  "approve",
  "reject",
  "expire_approval",
  "cancel",
  "launch",
  "provisioned",
  "provision_failed",
  "extend",
  "request_extension",
  "approve_extension",
  "reject_extension",
  "destroy",
  "destroyed",
  "destroy_failed",
  "retry_destroy",
] as const;
export type TEnvironmentAction = (typeof ENVIRONMENT_ACTIONS)[number];

/**
 * Who may take an action:
 * - requester: the person who asked (or, for extensions, asks for more time);
 * - member: anyone who may request environments for the request's team;
 * - approver: the template's approvers (the team's approvers, or a named group) and admins;
 * - admin: organisation admins;
 * - system: the portal's own jobs (policy check, provisioning, expiry, sweeps).
 */
export type TWho = "requester" | "member" | "approver" | "admin" | "system";

interface TRule {
  /** From each state it applies to, the state it leads to. */
  moves: Partial<Record<TEnvironmentState, TEnvironmentState>>;
  who: readonly TWho[];
  /** The actor must not be the requester (of the request, or of the extension). */
  isIndependent: boolean;
  label: string;
}

export const WORKFLOW: Record<TEnvironmentAction, TRule> = {
  submit: { moves: { DRAFT: "SUBMITTED" }, who: ["requester"], isIndependent: false, label: "Submit" },
  // A change to what is asked for goes back through the policy check, and voids every approval given so far (they are bound to the old hash).
  revise: { moves: { DRAFT: "DRAFT", PENDING_APPROVAL: "SUBMITTED" }, who: ["requester"], isIndependent: false, label: "Change the request" },
  deny_policy: { moves: { SUBMITTED: "POLICY_DENIED", APPROVED: "POLICY_DENIED" }, who: ["system"], isIndependent: false, label: "Refuse by policy" },
  await_approval: { moves: { SUBMITTED: "PENDING_APPROVAL" }, who: ["system"], isIndependent: false, label: "Wait for approval" },
  auto_approve: { moves: { SUBMITTED: "APPROVED" }, who: ["system"], isIndependent: false, label: "Approve by rule" },
  // Moves to APPROVED only once enough approvals of the current hash are in (decideTransition counts them).
  approve: { moves: { PENDING_APPROVAL: "APPROVED" }, who: ["approver"], isIndependent: true, label: "Approve" },
  reject: { moves: { PENDING_APPROVAL: "REJECTED" }, who: ["approver"], isIndependent: true, label: "Reject" },
  expire_approval: { moves: { PENDING_APPROVAL: "APPROVAL_EXPIRED" }, who: ["system"], isIndependent: false, label: "Expire" },
  cancel: {
    moves: { DRAFT: "CANCELLED", SUBMITTED: "CANCELLED", PENDING_APPROVAL: "CANCELLED", APPROVED: "CANCELLED" },
    who: ["requester", "admin"],
    isIndependent: false,
    label: "Cancel",
  },
  launch: { moves: { APPROVED: "PROVISIONING" }, who: ["system"], isIndependent: false, label: "Provision" },
  provisioned: { moves: { PROVISIONING: "READY" }, who: ["system"], isIndependent: false, label: "Ready" },
  provision_failed: { moves: { PROVISIONING: "FAILED" }, who: ["system"], isIndependent: false, label: "Failed" },
  // Within the template's maximum time to live: at once. Beyond it: through an approval.
  extend: { moves: { READY: "READY" }, who: ["member"], isIndependent: false, label: "Extend" },
  request_extension: { moves: { READY: "EXTENSION_PENDING" }, who: ["member"], isIndependent: false, label: "Ask for more time" },
  approve_extension: { moves: { EXTENSION_PENDING: "READY" }, who: ["approver"], isIndependent: true, label: "Approve the extension" },
  reject_extension: { moves: { EXTENSION_PENDING: "READY" }, who: ["approver"], isIndependent: true, label: "Refuse the extension" },
  destroy: {
    moves: { READY: "DESTROYING", EXTENSION_PENDING: "DESTROYING", FAILED: "DESTROYING" },
    who: ["member", "admin", "system"],
    isIndependent: false,
    label: "Destroy",
  },
  destroyed: { moves: { DESTROYING: "DESTROYED" }, who: ["system"], isIndependent: false, label: "Destroyed" },
  destroy_failed: { moves: { DESTROYING: "DESTROY_FAILED" }, who: ["system"], isIndependent: false, label: "Destroy failed" },
  retry_destroy: { moves: { DESTROY_FAILED: "DESTROYING" }, who: ["admin", "system"], isIndependent: false, label: "Retry destroy" },
};

export interface TApprovalRecord {
  userId: number;
  /** The binding hash of what was approved (approval-binding.ts). */
  hash: string;
}

export interface TWorkflowState {
  state: TEnvironmentState;
  requesterId: number;
  /** Who asked for the extension now pending, if one is. */
  extensionRequesterId: number | null;
  /** The binding hash of what is asked for now. */
  hash: string;
  /** How many distinct approvers the template's rule requires; 0 when the rule approves it automatically. */
  requiredApprovals: number;
  approvals: readonly TApprovalRecord[];
}

/** The acting party, as the permission table sees them for this request's team and template. */
export type TWorkflowActor =
  | { kind: "system" }
  | {
      kind: "person";
      userId: number;
      /** May request environments for the team (its members, admins). */
      isMember: boolean;
      /** Is one of the template's approvers for the team, or an admin. */
      isApprover: boolean;
      isAdmin: boolean;
    };

export type TDecision =
  | { ok: true; next: Pick<TWorkflowState, "state" | "approvals" | "extensionRequesterId"> }
  | { ok: false; code: "FORBIDDEN" | "CONFLICT"; message: string };

const stateLabel = (state: TEnvironmentState) => state.toLowerCase().replaceAll("_", " ");

function mayAct(rule: TRule, state: TWorkflowState, actor: TWorkflowActor): boolean {
  if (actor.kind === "system") return rule.who.includes("system");
  return rule.who.some(
    (who) =>
      (who === "requester" && actor.userId === state.requesterId) ||
      (who === "member" && actor.isMember) ||
      (who === "approver" && actor.isApprover) ||
      (who === "admin" && actor.isAdmin),
  );
}

/** Approvals that count: by distinct people other than the requester, of exactly what is asked for now. */
export function validApprovals(state: Pick<TWorkflowState, "approvals" | "hash" | "requesterId">): TApprovalRecord[] {
  const seen = new Set<number>();
  return state.approvals.filter((a) => {
    if (a.hash !== state.hash || a.userId === state.requesterId || seen.has(a.userId)) return false;
    seen.add(a.userId);
    return true;
  });
}

export function decideTransition(state: TWorkflowState, action: TEnvironmentAction, actor: TWorkflowActor): TDecision {
  const rule = WORKFLOW[action];
  if (!mayAct(rule, state, actor)) {
    const who = rule.who
      .map((w) => ({ requester: "the requester", member: "the team's members", approver: "the approvers", admin: "admins", system: "the portal itself" })[w])
      .join(" or ");
    return { ok: false, code: "FORBIDDEN", message: `Only ${who} may ${rule.label.toLowerCase()} this environment request.` };
  }
  const to = rule.moves[state.state];
  if (!to) return { ok: false, code: "CONFLICT", message: `A request that is ${stateLabel(state.state)} cannot be moved by "${rule.label}".` };
  if (rule.isIndependent && actor.kind === "person") {
    const asker = action === "approve_extension" || action === "reject_extension" ? (state.extensionRequesterId ?? state.requesterId) : state.requesterId;
    if (actor.userId === asker) return { ok: false, code: "FORBIDDEN", message: "You asked for this: someone else must decide on it (admins included)." };
  }
  let approvals = state.approvals;
  let next: TEnvironmentState = to;
  if (action === "approve" && actor.kind === "person") {
    if (validApprovals(state).some((a) => a.userId === actor.userId)) {
      return { ok: false, code: "CONFLICT", message: "You have approved this request already: another approver is needed." };
    }
    approvals = [...state.approvals, { userId: actor.userId, hash: state.hash }];
    if (validApprovals({ ...state, approvals }).length < Math.max(1, state.requiredApprovals)) next = "PENDING_APPROVAL";
  }
  if (action === "auto_approve" && state.requiredApprovals > 0) {
    return { ok: false, code: "CONFLICT", message: `The template's rule requires ${state.requiredApprovals} approval(s): it is not approved automatically.` };
  }
  if (action === "launch" && state.requiredApprovals > 0 && validApprovals(state).length < state.requiredApprovals) {
    return { ok: false, code: "CONFLICT", message: "The approvals do not cover what is asked for now: it needs approving again." };
  }
  // A revision voids the approvals (they stay on record, bound to the old hash, and no longer count).
  const extensionRequesterId =
    action === "request_extension" && actor.kind === "person" ? actor.userId : to === "EXTENSION_PENDING" ? state.extensionRequesterId : null;
  return { ok: true, next: { state: next, approvals, extensionRequesterId } };
}

/** The actions this actor can take now, for the page's buttons. */
export function availableActions(state: TWorkflowState, actor: TWorkflowActor): TEnvironmentAction[] {
  return ENVIRONMENT_ACTIONS.filter((action) => decideTransition(state, action, actor).ok);
}
