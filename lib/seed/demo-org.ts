/**
 * The demo organisation: a deterministic, realistic generator. Pure — it
 * returns rows and never touches a database — so it is unit-tested and the
 * writer (scripts/lib/seed-runner.ts) streams its output with COPY.
 *
 * Teams differ the way real ones do: an "elite" team ships several times a day
 * with hour-scale lead times; a "low" team ships weekly with week-scale lead
 * times and more failures. Deployments carry commits (a few with unknown
 * times, as CodePipeline gives none), failures become rollbacks or incidents
 * attributed to the deployment, and fixes made during an incident are marked
 * unplanned.
 */
import { Random } from "@/lib/seed/random";

export type TProfile = "elite" | "high" | "medium" | "low";

interface TProfileShape {
  deploysPerServicePerDay: number;
  leadTimeMedianHours: number;
  failRate: number;
  recoveryMedianMinutes: number;
  commitsMax: number;
}

export const PROFILES: Record<TProfile, TProfileShape> = {
  elite: { deploysPerServicePerDay: 1.6, leadTimeMedianHours: 3, failRate: 0.04, recoveryMedianMinutes: 35, commitsMax: 3 },
  high: { deploysPerServicePerDay: 0.8, leadTimeMedianHours: 20, failRate: 0.08, recoveryMedianMinutes: 180, commitsMax: 5 },
  medium: { deploysPerServicePerDay: 0.3, leadTimeMedianHours: 96, failRate: 0.14, recoveryMedianMinutes: 600, commitsMax: 8 },
  low: { deploysPerServicePerDay: 0.1, leadTimeMedianHours: 400, failRate: 0.24, recoveryMedianMinutes: 2880, commitsMax: 14 },
};

const GROUPS = [
  { slug: "commerce", name: "Commerce", description: "Everything a customer touches between browsing and paying." },
  { slug: "platform", name: "Platform", description: "Shared foundations other teams build on." },
] as const;

const TEAMS: { slug: string; name: string; group: string; profile: TProfile; services: string[]; description: string }[] = [
  { slug: "checkout", name: "Checkout", group: "commerce", profile: "elite", description: "Cart, checkout flow and order placement.", services: ["cart-api", "checkout-web", "order-service", "pricing-engine", "promo-service"] },
  { slug: "payments", name: "Payments", group: "commerce", profile: "high", description: "Card, wallet and invoice payments.", services: ["payment-gateway", "fraud-scoring", "refund-service", "ledger", "payout-worker"] },
  { slug: "catalog", name: "Catalog", group: "commerce", profile: "high", description: "Products, inventory and media.", services: ["product-api", "inventory-service", "media-resizer", "catalog-importer", "reviews-api"] },
  { slug: "search", name: "Search", group: "commerce", profile: "medium", description: "Search, ranking and recommendations.", services: ["search-api", "indexer", "ranking-service", "recommendations", "autocomplete"] },
  { slug: "identity", name: "Identity", group: "platform", profile: "high", description: "Sign-in, accounts and permissions.", services: ["auth-service", "user-profile", "session-store", "permissions-api", "mfa-service"] },
  { slug: "data", name: "Data", group: "platform", profile: "medium", description: "Pipelines, warehouse and reporting.", services: ["event-collector", "stream-processor", "warehouse-loader", "reporting-api", "feature-store"] },
  { slug: "notifications", name: "Notifications", group: "platform", profile: "low", description: "Email, SMS and push.", services: ["email-sender", "sms-gateway", "push-service", "template-service", "preferences-api"] },
  { slug: "infrastructure", name: "Infrastructure", group: "platform", profile: "medium", description: "Networking, edge and the golden paths.", services: ["edge-proxy", "config-service", "feature-flags", "rate-limiter", "secrets-broker"] },
];

const FIRST = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Radia", "Alan", "Frances", "Tim", "Katherine", "Guido", "Anita", "Bjarne", "Hedy", "Donald", "Sophie", "James", "Lynn", "Edsger", "Mary", "Niklaus", "Jean"];
const LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Perlman", "Turing", "Allen", "Berners-Lee", "Johnson", "van Rossum", "Borg", "Stroustrup", "Lamarr", "Knuth", "Wilson", "Gosling", "Conway", "Dijkstra", "Keller", "Wirth", "Sammet"];

export const ACCOUNTS = [
  { id: 1, accountId: "111111111111", name: "shop-production", roleArn: null, externalId: null, regions: ["eu-west-1", "us-east-1"] },
  { id: 2, accountId: "222222222222", name: "shop-platform", roleArn: "arn:aws:iam::222222222222:role/PortsideRead", externalId: "portside-demo", regions: ["eu-west-1", "us-east-1"] },
] as const;

export interface TSeedOptions {
  /** Anchor time; everything is generated before it. */
  now: Date;
  days: number;
  /** Total production deployments; default: what the team profiles give over `days`. */
  deployments?: number;
  teams: number;
  services: number;
  seed: number;
}

export const DEFAULT_SEED_OPTIONS: Omit<TSeedOptions, "now"> = { days: 180, teams: 8, services: 40, seed: 42 };

export interface TTeamRow { id: number; slug: string; name: string; description: string; parentId: number | null; profile: TProfile | null }
export interface TUserRow { id: number; email: string; name: string; orgRole: "VIEWER" | "EXECUTIVE" | "ADMIN" }
export interface TMembershipRow { userId: number; teamId: number; role: "MEMBER" | "MAINTAINER" | "APPROVER" }
export interface TServiceRow { id: number; slug: string; name: string; description: string; teamId: number; tier: "TIER_1" | "TIER_2" | "TIER_3" | "TIER_4"; repositoryUrl: string; links: { title: string; url: string }[]; profile: TProfile; accountId: number; region: string }
export interface TPipelineRow { id: number; awsAccountId: number; region: string; name: string; arn: string; serviceId: number; prodStage: string; structure: unknown; version: number }
export interface TDeploymentRow { id: number; serviceId: number; environment: string; status: "SUCCEEDED" | "FAILED" | "ROLLED_BACK"; startedAt: Date; finishedAt: Date; version: string; isPlanned: boolean; fixesIncidentRef: string | null; remediatedAt: Date | null; source: string; externalId: string; url: string | null; pipelineExecutionId: number | null }
export interface TChangeRow { id: number; deploymentId: number; sha: string; authoredAt: Date | null; committedAt: Date | null; message: string }
export interface TIncidentRow { id: number; serviceId: number; title: string; severity: "SEV1" | "SEV2" | "SEV3" | "SEV4"; status: "OPEN" | "ACKNOWLEDGED" | "RESOLVED"; openedAt: Date; acknowledgedAt: Date | null; resolvedAt: Date | null; source: string; externalId: string; deploymentId: number | null; attributionSource: "RULE" | "EXPLICIT" | null; causedByChange: boolean | null; description: string }
export interface TExecutionRow { id: number; pipelineId: number; executionId: string; status: "SUCCEEDED" | "FAILED" | "IN_PROGRESS" | "SUPERSEDED"; executionType: string; trigger: unknown; sourceRevisions: unknown; stages: unknown; failureReason: string | null; failedAction: string | null; startedAt: Date; lastUpdatedAt: Date }

export interface TServiceHistory {
  deployments: TDeploymentRow[];
  changes: TChangeRow[];
  incidents: TIncidentRow[];
  executions: TExecutionRow[];
}

export interface TCatalog {
  teams: TTeamRow[];
  users: TUserRow[];
  memberships: TMembershipRow[];
  services: TServiceRow[];
  pipelines: TPipelineRow[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const STAGES = ["Source", "Build", "Staging", "Production"] as const;

/** The one action of each stage, as CodePipeline declares it (lib/pipelines/collect/types.ts shapes). */
const STAGE_ACTION = {
  Source: { name: "GitHub", category: "Source", provider: "CodeStarSourceConnection" },
  Build: { name: "CodeBuild", category: "Build", provider: "CodeBuild" },
  Staging: { name: "DeployStaging", category: "Deploy", provider: "ECS" },
  Production: { name: "DeployProduction", category: "Deploy", provider: "ECS" },
} as const;

export function buildCatalog(options: TSeedOptions): TCatalog {
  const teams: TTeamRow[] = GROUPS.map((g, i) => ({ id: i + 1, slug: g.slug, name: g.name, description: g.description, parentId: null, profile: null }));
  const profiles: TProfile[] = ["elite", "high", "medium", "low"];
  for (let i = 0; i < options.teams; i++) {
    const base = TEAMS[i];
    const groupId = base ? teams.findIndex((t) => t.slug === base.group) + 1 : (i % GROUPS.length) + 1;
    teams.push({
      id: teams.length + 1,
      slug: base?.slug ?? `team-${String(i + 1).padStart(3, "0")}`,
      name: base?.name ?? `Team ${i + 1}`,
      description: base?.description ?? "A generated team for scale tests.",
      parentId: groupId,
      profile: base?.profile ?? profiles[i % profiles.length]!,
    });
  }
  const leafTeams = teams.filter((t) => t.parentId !== null);

  const users: TUserRow[] = [];
  const memberships: TMembershipRow[] = [];
  const userCount = Math.max(24, leafTeams.length * 3);
  for (let i = 0; i < userCount; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length)) : "";
    users.push({
      id: i + 1,
      email: `${first}.${last}${suffix}`.toLowerCase().replace(/[^a-z0-9.]/g, "") + "@example.com",
      name: `${first} ${last}${suffix ? ` ${suffix}` : ""}`,
      orgRole: i === 0 ? "ADMIN" : i === 1 ? "EXECUTIVE" : "VIEWER",
    });
  }
  leafTeams.forEach((team, t) => {
    for (let k = 0; k < 3; k++) {
      const userId = ((t * 3 + k) % userCount) + 1;
      memberships.push({ userId, teamId: team.id, role: k === 0 ? "MAINTAINER" : k === 1 ? "APPROVER" : "MEMBER" });
    }
  });

  const services: TServiceRow[] = [];
  const tiers = ["TIER_1", "TIER_2", "TIER_2", "TIER_3", "TIER_4"] as const;
  for (let i = 0; i < options.services; i++) {
    const team = leafTeams[i % leafTeams.length]!;
    const base = TEAMS.find((t) => t.slug === team.slug);
    const index = Math.floor(i / leafTeams.length);
    const slug = base?.services[index] ?? `${team.slug}-svc-${String(index + 1).padStart(3, "0")}`;
    const account = ACCOUNTS[i % 2]!;
    services.push({
      id: i + 1,
      slug,
      name: slug.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" "),
      description: `${slug} — owned by ${team.name}.`,
      teamId: team.id,
      tier: tiers[index % tiers.length]!,
      repositoryUrl: `https://github.com/example-shop/${slug}`,
      links: [
        { title: "Runbook", url: `https://wiki.example.com/runbooks/${slug}` },
        { title: "Dashboard", url: `https://grafana.example.com/d/${slug}` },
      ],
      profile: team.profile ?? "medium",
      accountId: account.id,
      region: account.regions[(i >> 1) % 2]!,
    });
  }

  const pipelines: TPipelineRow[] = services.map((s) => {
    const account = ACCOUNTS.find((a) => a.id === s.accountId)!;
    return {
      id: s.id,
      awsAccountId: s.accountId,
      region: s.region,
      name: `${s.slug}-pipeline`,
      arn: `arn:aws:codepipeline:${s.region}:${account.accountId}:${s.slug}-pipeline`,
      serviceId: s.id,
      prodStage: "Production",
      version: 3,
      structure: STAGES.map((name) => ({ name, actions: [{ ...STAGE_ACTION[name], runOrder: 1 }] })),
    };
  });

  return { teams, users, memberships, services, pipelines };
}

/** How many deployments each service gets: profile rates, or scaled to a requested total. */
export function deploymentTargets(catalog: TCatalog, options: TSeedOptions): number[] {
  const rates = catalog.services.map((s) => PROFILES[s.profile].deploysPerServicePerDay * options.days);
  if (options.deployments === undefined) return rates.map((r) => Math.round(r));
  const total = rates.reduce((a, b) => a + b, 0);
  const targets = rates.map((r) => Math.floor((r / total) * options.deployments!));
  let remainder = options.deployments - targets.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % targets.length, remainder--) targets[i]! += 1;
  return targets;
}

export interface TIdCounters { deployment: number; change: number; incident: number; execution: number }

const COMMIT_VERBS = ["Fix", "Add", "Refactor", "Speed up", "Harden", "Remove", "Rename", "Document", "Bump", "Tidy"];
const COMMIT_THINGS = ["retry on throttling", "cache headers", "input validation", "metrics for p99", "feature flag", "timeout handling", "pagination", "error messages", "connection pool", "dependency versions"];
const INCIDENT_SYMPTOMS = ["5xx spike", "latency above SLO", "error rate above threshold", "queue backlog growing", "elevated timeouts"];

/**
 * One service's production history, oldest first. `ids` is advanced in place
 * so that rows carry explicit ids and can be COPYed without a lookup.
 */
export function serviceHistory(service: TServiceRow, count: number, options: TSeedOptions, ids: TIdCounters): TServiceHistory {
  const rng = new Random(options.seed * 7919 + service.id * 104_729);
  const shape = PROFILES[service.profile];
  const end = options.now.getTime() - HOUR;
  const start = options.now.getTime() - options.days * DAY;
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(start + rng.next() * (end - start));
  times.sort((a, b) => a - b);

  const history: TServiceHistory = { deployments: [], changes: [], incidents: [], executions: [] };
  const executionWindowStart = options.now.getTime() - 30 * DAY;
  let openIncident: TIncidentRow | null = null;

  for (let i = 0; i < times.length; i++) {
    const startedAt = new Date(Math.round(times[i]!));
    const finishedAt = new Date(startedAt.getTime() + rng.int(3, 25) * 60_000);
    const deploymentId = ++ids.deployment;
    const executionId = executionIdFrom(rng, deploymentId);
    const isFailure = rng.chance(shape.failRate);
    const failureKind = isFailure ? rng.pick(["FAILED", "ROLLED_BACK", "INCIDENT"] as const) : null;
    const status = failureKind === "FAILED" ? "FAILED" : failureKind === "ROLLED_BACK" ? "ROLLED_BACK" : "SUCCEEDED";

    let isPlanned = true;
    let fixesIncidentRef: string | null = null;
    if (openIncident && openIncident.resolvedAt && startedAt >= openIncident.openedAt && startedAt < openIncident.resolvedAt) {
      isPlanned = false;
      fixesIncidentRef = `${openIncident.source}:${openIncident.externalId}`;
    }

    let pipelineExecutionId: number | null = null;
    if (startedAt.getTime() >= executionWindowStart) {
      pipelineExecutionId = ++ids.execution;
      history.executions.push(executionRow(pipelineExecutionId, service, executionId, startedAt, finishedAt, status === "FAILED" ? "FAILED" : "SUCCEEDED", "Merge pull request", rng, options.now));
    }

    const deployment: TDeploymentRow = {
      id: deploymentId,
      serviceId: service.id,
      environment: "production",
      status,
      startedAt,
      finishedAt,
      version: `v${1 + Math.floor(i / 50)}.${Math.floor(i / 5) % 10}.${i % 5}-${executionId.slice(0, 7)}`,
      isPlanned,
      fixesIncidentRef,
      remediatedAt: status === "ROLLED_BACK" ? new Date(finishedAt.getTime() + rng.int(5, 40) * 60_000) : null,
      source: "codepipeline",
      externalId: executionId,
      url: null,
      pipelineExecutionId,
    };
    history.deployments.push(deployment);

    const commits = rng.int(1, shape.commitsMax);
    for (let c = 0; c < commits; c++) {
      const leadMs = Math.min(rng.logNormal(shape.leadTimeMedianHours, 0.9) * HOUR, 60 * DAY);
      const committedAt = new Date(startedAt.getTime() - leadMs);
      const isKnown = !rng.chance(0.08);
      history.changes.push({
        id: ++ids.change,
        deploymentId,
        sha: rng.hex(40),
        authoredAt: isKnown ? new Date(committedAt.getTime() - rng.int(0, 120) * 60_000) : null,
        committedAt: isKnown ? committedAt : null,
        message: `${rng.pick(COMMIT_VERBS)} ${rng.pick(COMMIT_THINGS)}`,
      });
    }

    const isRecent = options.now.getTime() - finishedAt.getTime() < 6 * HOUR;
    if (failureKind === "INCIDENT" || failureKind === "ROLLED_BACK" || (isFailure && rng.chance(0.2))) {
      const openedAt = new Date(finishedAt.getTime() + rng.int(2, 90) * 60_000);
      if (openedAt.getTime() < options.now.getTime()) {
        const recovery = Math.max(5, rng.logNormal(shape.recoveryMedianMinutes, 0.8)) * 60_000;
        const resolved = openedAt.getTime() + recovery;
        const stillOpen = isRecent && resolved > options.now.getTime();
        const incident = incidentRow(++ids.incident, service, openedAt, stillOpen ? null : new Date(resolved), deploymentId, true, rng);
        history.incidents.push(incident);
        openIncident = incident;
      }
    }
  }

  // A few pipelines are running right now, so that the board has something live.
  if (service.id % 7 === 3) {
    const startedAt = new Date(options.now.getTime() - rng.int(3, 12) * 60_000);
    // Numbered apart from the deployments (the high bit set), whose ids the others carry.
    const executionId = executionIdFrom(rng, 0x8000_0000 + service.id);
    history.executions.push(executionRow(++ids.execution, service, executionId, startedAt, null, "IN_PROGRESS", `${rng.pick(COMMIT_VERBS)} ${rng.pick(COMMIT_THINGS)}`, rng, options.now));
  }

  // Incidents with no change behind them: a dependency, a traffic spike, an AWS event.
  const unrelated = Math.max(0, Math.round((options.days / 60) * (shape.failRate * 4)));
  for (let k = 0; k < unrelated; k++) {
    const openedAt = new Date(start + rng.next() * (end - start));
    const resolvedAt = new Date(openedAt.getTime() + Math.max(5, rng.logNormal(shape.recoveryMedianMinutes, 0.8)) * 60_000);
    history.incidents.push(incidentRow(++ids.incident, service, openedAt, resolvedAt > options.now ? null : resolvedAt, null, false, rng));
  }
  history.incidents.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  return history;
}

function incidentRow(id: number, service: TServiceRow, openedAt: Date, resolvedAt: Date | null, deploymentId: number | null, causedByChange: boolean, rng: Random): TIncidentRow {
  const severity = service.tier === "TIER_1" ? rng.pick(["SEV1", "SEV2", "SEV2"] as const) : rng.pick(["SEV2", "SEV3", "SEV3", "SEV4"] as const);
  const symptom = rng.pick(INCIDENT_SYMPTOMS);
  return {
    id,
    serviceId: service.id,
    title: `${service.name}: ${symptom}`,
    severity,
    status: resolvedAt ? "RESOLVED" : "OPEN",
    openedAt,
    acknowledgedAt: new Date(openedAt.getTime() + rng.int(1, 15) * 60_000),
    resolvedAt,
    source: "cloudwatch",
    externalId: `seed-incident-${id}`,
    deploymentId,
    attributionSource: deploymentId ? "RULE" : null,
    causedByChange,
    description: causedByChange
      ? `${symptom} shortly after a production deployment of ${service.slug}.`
      : `${symptom}; no deployment in the attribution window.`,
  };
}

/**
 * What each stage did in one execution (PipelineExecution.stages): the stages
 * share the run's time in order; the production stage ends as `production`
 * says, and a stage still running has no end (and the ones after it wait).
 */
export function executionStages(startedAt: Date, finishedAt: Date | null, production: "Succeeded" | "Failed" | "InProgress") {
  const end = finishedAt ?? new Date(startedAt.getTime() + 20 * 60_000);
  const slice = (end.getTime() - startedAt.getTime()) / STAGES.length;
  return STAGES.map((name, i) => {
    const stageStart = new Date(startedAt.getTime() + i * slice).toISOString();
    const isLast = name === "Production";
    const status = isLast ? production : "Succeeded";
    const stageEnd = status === "InProgress" ? null : new Date(startedAt.getTime() + (i + 1) * slice).toISOString();
    const action = STAGE_ACTION[name];
    return {
      name,
      status,
      startedAt: stageStart,
      lastUpdatedAt: stageEnd ?? stageStart,
      actions: [
        {
          name: action.name,
          status: status === "Failed" ? "Failed" : status,
          startedAt: stageStart,
          lastUpdatedAt: stageEnd ?? stageStart,
          summary: status === "Failed" ? "Deployment failed" : null,
          externalUrl: null,
          errorMessage: status === "Failed" ? "ECS service did not reach a steady state (health checks failing)." : null,
        },
      ],
    };
  });
}

/**
 * A CodePipeline execution id (a UUID v4), drawn from the seed's generator, its last 8 hex digits the row's
 * own number (`unique`): each service's generator walks the same 2^32-state cycle from another point, and at
 * 10,000,000 deployments some services' walks overlap, which drew the same id twice. The draws are the ones
 * a fully random id takes, so that the rest of the history stays as it was.
 */
function executionIdFrom(rng: Random, unique: number): string {
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12).slice(0, 4)}${(unique >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * One PipelineExecution row. The execution starts a few minutes before the
 * deployment (source and build); a running one (`finishedAt` null) is
 * still in its production stage.
 */
function executionRow(id: number, service: TServiceRow, executionId: string, startedAt: Date, finishedAt: Date | null, status: "SUCCEEDED" | "FAILED" | "IN_PROGRESS", summary: string, rng: Random, now: Date): TExecutionRow {
  const failed = status === "FAILED";
  const sha = rng.hex(40);
  return {
    id,
    pipelineId: service.id,
    executionId,
    status,
    executionType: "STANDARD",
    trigger: { triggerType: "Webhook", triggerDetail: `${service.slug}@main` },
    sourceRevisions: [{ actionName: "GitHub", revisionId: sha, revisionSummary: summary, revisionUrl: `${service.repositoryUrl}/commit/${sha}` }],
    stages: executionStages(startedAt, finishedAt, status === "IN_PROGRESS" ? "InProgress" : failed ? "Failed" : "Succeeded"),
    failureReason: failed ? "Deployment failed: ECS service did not reach a steady state (health checks failing)." : null,
    failedAction: failed ? "Production.DeployProduction" : null,
    startedAt: new Date(startedAt.getTime() - rng.int(4, 20) * 60_000),
    lastUpdatedAt: finishedAt ?? now,
  };
}
