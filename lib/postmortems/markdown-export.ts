/**
 * A postmortem as one Markdown document (the Export button): header,
 * milestones and durations, the starred evidence timeline (all of it when
 * nothing is starred, never the hidden entries) sorted and in UTC, the
 * sections in template order, action items. Pure. The sections are the
 * authors' Markdown as written; everything Portside adds is escaped.
 */
import { ACTION_ITEM_STATUS_LABELS, POSTMORTEM_STATUS_LABELS } from "@/lib/postmortems/schemas";
import type { TPostmortemView } from "@/lib/postmortems/view";

/** Escapes text for a Markdown table cell or inline use: no link, emphasis or HTML from data. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

function utc(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "—";
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function postmortemMarkdown(pm: TPostmortemView): string {
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(pm.title)}`, "");
  const facts = [
    `**Status:** ${POSTMORTEM_STATUS_LABELS[pm.status]}${pm.notRequiredReason ? ` (${escapeMarkdown(pm.notRequiredReason)})` : ""}`,
    `**Team:** ${escapeMarkdown(pm.team.name)}`,
    ...(pm.service ? [`**Service:** ${escapeMarkdown(pm.service.name)}`] : []),
    ...(pm.incident ? [`**Incident:** #${pm.incident.id} ${escapeMarkdown(pm.incident.title)} (${pm.incident.severity}), opened ${utc(pm.incident.openedAt)}, resolved ${utc(pm.incident.resolvedAt)}`] : []),
    `**Authors:** ${pm.authors.length ? pm.authors.map((a) => escapeMarkdown(a.name)).join(", ") : "drafted by Portside"}`,
    ...(pm.approvedBy ? [`**Approved by:** ${escapeMarkdown(pm.approvedBy.name)} on ${utc(pm.approvedAt)}`] : []),
    ...(pm.publishedAt ? [`**Published:** ${utc(pm.publishedAt)}`] : []),
  ];
  out.push(...facts.map((f) => `- ${f}`), "");

  out.push("## Milestones", "", "| Milestone | Time (UTC) | Basis |", "| --- | --- | --- |");
  for (const m of pm.milestones) out.push(`| ${m.label} | ${utc(m.at)} | ${escapeMarkdown(m.basis)} |`);
  out.push("", ...pm.durations.map((d) => `- **${d.label}:** ${formatDuration(d.ms)}`), "");

  const visible = pm.timeline.filter((e) => !e.isHidden);
  const starred = visible.filter((e) => e.isStarred);
  const shown = (starred.length ? starred : visible).slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
  out.push("## Timeline", "");
  if (shown.length === 0) out.push("_No timeline entries._");
  else {
    out.push("| Time (UTC) | Source | What happened |", "| --- | --- | --- |");
    for (const e of shown) out.push(`| ${utc(e.at)} | ${escapeMarkdown(e.source)} | ${e.isSuspect ? "**Suspect:** " : ""}${escapeMarkdown(e.text)} |`);
  }
  out.push("");

  for (const s of pm.sections) {
    out.push(`## ${escapeMarkdown(s.title)}`, "", s.body.trim() ? s.body.trim() : "_Not written._", "");
  }

  out.push("## Action items", "");
  if (pm.actionItems.length === 0) out.push("_None._");
  else {
    out.push("| Action | Owner | Type | Priority | Due | Status |", "| --- | --- | --- | --- | --- | --- |");
    for (const a of pm.actionItems) {
      const status = `${ACTION_ITEM_STATUS_LABELS[a.status]}${a.statusReason ? ` (${escapeMarkdown(a.statusReason)})` : ""}${a.isOverdue ? " — overdue" : ""}`;
      out.push(`| ${escapeMarkdown(a.title)} | ${a.owner ? escapeMarkdown(a.owner.name) : "—"} | ${a.type.toLowerCase()} | ${a.priority} | ${a.dueDate ?? "—"} | ${status} |`);
    }
  }
  out.push("");
  return out.join("\n");
}

/** A file name for the download: the id and a slug of the title. */
export function exportFileName(pm: Pick<TPostmortemView, "id" | "title">): string {
  const slug = pm.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return `postmortem-${pm.id}${slug ? `-${slug}` : ""}.md`;
}
