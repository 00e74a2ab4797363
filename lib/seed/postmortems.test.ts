import { describe, expect, it } from "vitest";
import { POSTMORTEM_STATUSES } from "@/lib/postmortems/schemas";
import { DEFAULT_SEED_OPTIONS, buildCatalog, deploymentTargets, serviceHistory, type TIdCounters, type TSeedOptions } from "@/lib/seed/demo-org";
import { DETAILED_POSTMORTEMS, allRevisions, planPostmortems, postmortemRuleOverride, renderPostmortem, type TPostmortemIncident } from "@/lib/seed/postmortems";

const options: TSeedOptions = { ...DEFAULT_SEED_OPTIONS, now: new Date("2026-11-26T12:00:00Z") };
const now = options.now.getTime();
const DAY = 86_400_000;

/** The demo's incidents as the seed reads them back, with the postmortems the rules' trigger drafted (ids in incident order). */
function seeded(opts: TSeedOptions) {
  const catalog = buildCatalog(opts);
  const targets = deploymentTargets(catalog, opts);
  const ids: TIdCounters = { deployment: 0, change: 0, incident: 0, execution: 0 };
  const histories = catalog.services.map((s) => serviceHistory(s, targets[s.id - 1]!, opts, ids));
  const deployments = new Map(histories.flatMap((h) => h.deployments).map((d) => [d.id, d]));
  const rule = postmortemRuleOverride(catalog)!;
  let postmortemId = 0;
  const incidents: TPostmortemIncident[] = [];
  for (const i of histories.flatMap((h) => h.incidents).sort((a, b) => a.id - b.id)) {
    if (!i.resolvedAt) continue;
    const teamId = catalog.services[i.serviceId - 1]!.teamId;
    const isRequired = i.severity === "SEV1" || i.severity === "SEV2" || (teamId === rule.teamId && i.severity === "SEV3");
    if (!isRequired && !(i.severity === "SEV3" && i.resolvedAt.getTime() >= now - 30 * DAY)) continue;
    const deployment = i.deploymentId ? deployments.get(i.deploymentId) : undefined;
    incidents.push({
      id: i.id, postmortemId: isRequired ? ++postmortemId : null, serviceId: i.serviceId, teamId, title: i.title, severity: i.severity,
      openedAt: i.openedAt, acknowledgedAt: i.acknowledgedAt, resolvedAt: i.resolvedAt, causedByChange: i.causedByChange,
      deploymentVersion: deployment?.version ?? null, deployedAt: deployment?.finishedAt ?? null,
    });
  }
  const plan = planPostmortems({ catalog, options: opts, incidents });
  return { catalog, incidents, plan, stories: [...plan.stories()] };
}

describe("demo postmortems", () => {
  const { catalog, incidents, plan, stories } = seeded(options);
  const rendered = stories.map((story) => {
    const r = renderPostmortem(story);
    return { ...r, revisions: allRevisions(r) };
  });
  const rows = stories.map((s) => s.row);

  it("are the same on every run", () => {
    const again = seeded(options);
    expect(JSON.stringify(again.stories.map(renderPostmortem))).toBe(JSON.stringify(stories.map(renderPostmortem)));
    expect(JSON.stringify([...plan.stories()])).toBe(JSON.stringify(stories));
    expect(again.plan).toMatchObject({ count: stories.length, timelineIds: plan.timelineIds, starredIds: plan.starredIds });
  });

  it("cover every state, with the newest still an empty draft by Portside and the older ones mostly published", () => {
    for (const status of POSTMORTEM_STATUSES) expect(rows.some((r) => r.status === status), status).toBe(true);
    const drafted = stories.filter((s) => !s.isNew).sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime());
    expect(drafted[0]!.row).toMatchObject({ status: "DRAFT", authorId: null, version: 1 });
    expect(drafted[0]!.sections).toEqual([]);
    const old = drafted.filter((s) => now - s.row.createdAt.getTime() > 30 * DAY);
    expect(old.filter((s) => s.row.status === "PUBLISHED").length / old.length).toBeGreaterThan(0.8);
    expect(rows.filter((r) => r.status === "NOT_REQUIRED").every((r) => r.notRequiredReason && r.approvedById === null)).toBe(true);
    // Written by hand: stand-alone ones, and a SEV3 no rule asked for.
    expect(rows.filter((r) => r.incidentId === null && r.authorId !== null).length).toBeGreaterThanOrEqual(1);
    const sev3 = new Set(incidents.filter((i) => i.severity === "SEV3" && i.postmortemId === null).map((i) => i.id));
    expect(rows.some((r) => r.incidentId !== null && sev3.has(r.incidentId) && r.authorId !== null)).toBe(true);
  });

  it("are approved by an approver of the team who wrote none of it, after it was written, and never after now", () => {
    stories.forEach((story, n) => {
      const { row } = story;
      const writers = new Set([...rendered[n]!.revisions.map((r) => r.authorId), ...(row.authorId === null ? [] : [row.authorId])]);
      const stamps = [row.createdAt, row.updatedAt, row.approvedAt, row.publishedAt, ...rendered[n]!.revisions.map((r) => r.at), ...rendered[n]!.comments.map((c) => c.createdAt)];
      for (const at of stamps) if (at) expect(at.getTime()).toBeLessThanOrEqual(now);
      if (row.status !== "APPROVED" && row.status !== "PUBLISHED") {
        expect(row.approvedById).toBeNull();
        return;
      }
      expect(writers.has(row.approvedById!)).toBe(false);
      expect(catalog.memberships).toContainEqual({ userId: row.approvedById, teamId: row.teamId, role: "APPROVER" });
      for (const r of rendered[n]!.revisions) expect(r.at.getTime()).toBeLessThan(row.approvedAt!.getTime());
      expect(rendered[n]!.comments.map((c) => c.kind)).toContain("APPROVAL");
      if (row.status === "PUBLISHED") expect(row.publishedAt!.getTime()).toBeGreaterThan(row.approvedAt!.getTime());
    });
  });

  it("keep each section's version equal to its revisions, the last one its text", () => {
    for (const { sections, revisions } of rendered) {
      for (const section of sections) {
        const own = revisions.filter((r) => r.postmortemId === section.postmortemId && r.key === section.key);
        expect(own.map((r) => r.version)).toEqual(Array.from({ length: section.version }, (_, i) => i + 1));
        expect(own.at(-1)).toMatchObject({ body: section.body, authorId: section.updatedById, at: section.updatedAt });
        expect(new Set(own.map((r) => r.body)).size).toBe(own.length);
      }
    }
    // The detailed ones were rewritten; a written one talks about its own service.
    expect(rendered.some((r) => r.sections.some((s) => s.version >= 3))).toBe(true);
    const story = stories.find((s) => s.row.status === "APPROVED")!;
    const service = catalog.services[story.row.serviceId! - 1]!;
    expect(renderPostmortem(story).sections.find((s) => s.key === "summary")!.body).toContain(service.slug);
  });

  it("give written postmortems action items owned by the team, some overdue, some done, one dropped with a reason", () => {
    const items = rendered.flatMap((r) => r.actionItems);
    for (const story of stories) {
      if (story.sections.length === 0 || story.row.status === "NOT_REQUIRED") expect(story.actionItems).toEqual([]);
      else if (story.row.status !== "DRAFT") expect(story.actionItems.length).toBeGreaterThanOrEqual(2);
    }
    for (const item of items) {
      expect(catalog.memberships.some((m) => m.userId === item.ownerId && m.teamId === item.teamId)).toBe(true);
      for (const at of [item.createdAt, item.updatedAt, item.completedAt]) if (at) expect(at.getTime()).toBeLessThanOrEqual(now);
      expect(item.status === "DONE").toBe(item.completedAt !== null);
      expect(item.status === "WONT_DO").toBe(item.statusReason !== null);
    }
    expect(items.some((i) => (i.status === "OPEN" || i.status === "IN_PROGRESS") && i.dueAt.getTime() < now)).toBe(true);
    expect(items.some((i) => i.status === "DONE")).toBe(true);
    expect(items.some((i) => i.status === "WONT_DO")).toBe(true);
  });

  it("draft the timelines of the newest only, and star entries only on the written ones", () => {
    expect(plan.timelineIds.length).toBeGreaterThan(0);
    // The newest incident postmortems, and the SEV3 written by hand.
    expect(plan.timelineIds.length).toBe(DETAILED_POSTMORTEMS + 1);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of plan.starredIds) expect(plan.timelineIds).toContain(id);
    expect(plan.starredIds.every((id) => byId.get(id)!.status !== "NOT_REQUIRED")).toBe(true);
    // Starred: exactly the written ones among them.
    const written = stories.filter((s) => s.sections.length > 0 && s.row.status !== "NOT_REQUIRED").map((s) => s.row.id);
    expect(plan.starredIds).toEqual(plan.timelineIds.filter((id) => written.includes(id)));
  });
});
