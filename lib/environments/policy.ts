/**
 * The policy an environment request is held to, at submit and again just
 * before launch: where it may run, its size and time to live, how many
 * environments a person, a team and a team per type may have, and the team's
 * spend quota (hourly cost × time to live, summed over the team's active and
 * pending environments). Pure: the server gathers the usage in the same
 * transaction that stores the decision. Every refusal says why in plain
 * words, and all of them are listed at once, so that the "check" action can
 * show everything that would stop a request before it is submitted.
 */

export interface TTemplateSize {
  name: string;
  hourlyCostCents: number;
}

export interface TApprovalRule {
  /** Approved without anyone when every given bound holds (a size at most this one, a time to live and a total cost at most these). */
  autoApproveUnder: { size?: string; ttlHours?: number; costCents?: number } | null;
  /** Distinct approvers needed otherwise (at least 1). */
  approvers: number;
}

export interface TPolicyTemplate {
  type: string;
  /** Smallest first: "a size at most this one" follows this order. */
  sizes: readonly TTemplateSize[];
  maxTtlHours: number;
  /** Accounts and the regions allowed in each. */
  targets: readonly { accountId: string; regions: readonly string[] }[];
  /** Team ids allowed to request it; null: every team. */
  allowedTeamIds: readonly number[] | null;
  approval: TApprovalRule;
}

export interface TPolicyRequest {
  teamId: number;
  accountId: string;
  region: string;
  size: string;
  ttlHours: number;
}

/** What already counts against the limits: active and pending environments, not counting this request. */
export interface TPolicyUsage {
  byPerson: number;
  byTeam: number;
  byTeamOfType: number;
  /** The team's committed spend in cents: hourly cost × time to live of each active or pending environment. */
  teamCommittedCents: number;
}

/** The organisation's limits (null: no limit). */
export interface TPolicyLimits {
  perPerson: number | null;
  perTeam: number | null;
  perTeamOfType: number | null;
  teamQuotaCents: number | null;
}

export interface TPolicyDecision {
  isAllowed: boolean;
  /** Each reason it is refused, as a sentence for the person asking. */
  problems: string[];
  estimate: { hourlyCents: number; totalCents: number } | null;
  approval: { isAutomatic: boolean; required: number };
}

/** Cents as money, e.g. 123456 → "$1,234.56". */
export function formatCents(cents: number): string {
  return (cents / 100).toLocaleString("en-US", { style: "currency", currency: "USD" });
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function checkPolicy({
  template,
  request,
  usage,
  limits,
}: {
  template: TPolicyTemplate;
  request: TPolicyRequest;
  usage: TPolicyUsage;
  limits: TPolicyLimits;
}): TPolicyDecision {
  const problems: string[] = [];
  if (template.allowedTeamIds !== null && !template.allowedTeamIds.includes(request.teamId)) {
    problems.push("This template is not offered to your team: ask a platform admin to allow it.");
  }
  const target = template.targets.find((t) => t.accountId === request.accountId);
  if (!target) {
    problems.push(`This template cannot run in account ${request.accountId}: choose one of ${template.targets.map((t) => t.accountId).join(", ")}.`);
  } else if (!target.regions.includes(request.region)) {
    problems.push(`This template cannot run in ${request.region} in account ${request.accountId}: choose one of ${target.regions.join(", ")}.`);
  }
  const sizeIndex = template.sizes.findIndex((s) => s.name === request.size);
  const size = template.sizes[sizeIndex];
  if (!size) problems.push(`There is no size "${request.size}": choose one of ${template.sizes.map((s) => s.name).join(", ")}.`);
  if (!Number.isInteger(request.ttlHours) || request.ttlHours < 1) {
    problems.push("The time to live must be a whole number of hours, at least 1.");
  } else if (request.ttlHours > template.maxTtlHours) {
    problems.push(`A time to live of ${plural(request.ttlHours, "hour")} is over this template's maximum of ${plural(template.maxTtlHours, "hour")}.`);
  }
  if (limits.perPerson !== null && usage.byPerson >= limits.perPerson) {
    problems.push(`You already have ${plural(usage.byPerson, "environment")} running or asked for, the most one person may have (${limits.perPerson}): destroy or cancel one first.`);
  }
  if (limits.perTeam !== null && usage.byTeam >= limits.perTeam) {
    problems.push(`Your team already has ${plural(usage.byTeam, "environment")} running or asked for, its limit (${limits.perTeam}): destroy or cancel one first.`);
  }
  if (limits.perTeamOfType !== null && usage.byTeamOfType >= limits.perTeamOfType) {
    problems.push(
      `Your team already has ${plural(usage.byTeamOfType, `${template.type} environment`)} running or asked for, its limit for that type (${limits.perTeamOfType}): destroy or cancel one first.`,
    );
  }
  const estimate = size && request.ttlHours >= 1 ? { hourlyCents: size.hourlyCostCents, totalCents: size.hourlyCostCents * request.ttlHours } : null;
  if (estimate && limits.teamQuotaCents !== null && usage.teamCommittedCents + estimate.totalCents > limits.teamQuotaCents) {
    const left = Math.max(0, limits.teamQuotaCents - usage.teamCommittedCents);
    problems.push(
      `This would cost about ${formatCents(estimate.totalCents)}, and your team has ${formatCents(left)} left of its ${formatCents(limits.teamQuotaCents)} spend quota ` +
        `(${formatCents(usage.teamCommittedCents)} is committed to its other environments): choose a smaller size or a shorter time to live, or destroy an environment first.`,
    );
  }

  const auto = template.approval.autoApproveUnder;
  const autoSizeIndex = auto?.size === undefined ? -1 : template.sizes.findIndex((s) => s.name === auto.size);
  const isAutomatic =
    auto !== null &&
    estimate !== null &&
    (auto.size === undefined || (autoSizeIndex >= 0 && sizeIndex <= autoSizeIndex)) &&
    (auto.ttlHours === undefined || request.ttlHours <= auto.ttlHours) &&
    (auto.costCents === undefined || estimate.totalCents <= auto.costCents);
  return {
    isAllowed: problems.length === 0,
    problems,
    estimate,
    approval: { isAutomatic, required: isAutomatic ? 0 : Math.max(1, template.approval.approvers) },
  };
}
