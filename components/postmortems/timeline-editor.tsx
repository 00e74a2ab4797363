"use client";

import { Eye, EyeOff, Pencil, Star, TriangleAlert } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { usePostmortemEditor } from "@/components/postmortems/postmortem-editor";
import { DualTime, formatUtc, fromUtcInput, toUtcInput } from "@/components/postmortems/timeline-time";
import { Badge } from "@/components/ui/badge";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TRedraft, TTimelineEntryCreate, TTimelineEntryPatch } from "@/lib/postmortems/schemas";
import type { TTimelineEntryView } from "@/lib/postmortems/view";
import { safeHref } from "@/lib/schemas";
import { useApiAction } from "@/lib/use-api-action";

const SOURCE_LABELS: Record<string, string> = {
  deployment: "Deployment",
  pipeline: "Pipeline",
  stage: "Pipeline stage",
  approval: "Approval",
  alarm: "Alarm",
  servicemap: "Service map",
  incident: "Incident",
  audit: "Change in Portside",
  manual: "Added by hand",
};

/**
 * A link into the portal: a path of this site ("/alarms/3"; never "//host" or
 * "/\host", which browsers read as another host), or an http(s) URL given by a
 * person. Anything else is not linked.
 */
export function portalHref(url: string | null): string | undefined {
  if (!url) return undefined;
  const isPath = /^\/(?![/\\])[^\s\\]*$/.test(url) && [...url].every((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f);
  if (isPath) return url;
  return safeHref(url);
}

const byTime = (a: TTimelineEntryView, b: TTimelineEntryView) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id;

/** The entries the document shows: the starred ones, or every one not hidden when none is starred (as the export does). */
export function documentEntries(entries: TTimelineEntryView[]): TTimelineEntryView[] {
  const visible = entries.filter((e) => !e.isHidden);
  const starred = visible.filter((e) => e.isStarred);
  return (starred.length > 0 ? starred : visible).slice().sort(byTime);
}

function useEntryChange() {
  const router = useRouter();
  const { postmortemId, noteVersion } = usePostmortemEditor();
  const action = useApiAction();
  async function change(entryId: number, method: "PATCH" | "DELETE", patch?: TTimelineEntryPatch): Promise<boolean> {
    const ok = await action.run(async () => {
      const result = await apiFetch<{ documentVersion: number }>(`/api/postmortems/${postmortemId}/timeline/${entryId}`, { method, json: patch });
      noteVersion(result.documentVersion);
    });
    if (ok) router.refresh();
    return ok;
  }
  return { ...action, change };
}

function EntryLinks({ entry }: { entry: TTimelineEntryView }) {
  const portal = portalHref(entry.portalUrl);
  const aws = safeHref(entry.consoleUrl);
  if (!portal && !aws) return null;
  const isInternal = portal?.startsWith("/") ?? false;
  return (
    <p className="mt-1 flex flex-wrap gap-x-4 text-xs print:hidden">
      {portal ? (
        <a href={portal} className="text-sky-700 underline dark:text-sky-400" {...(isInternal ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
          {isInternal ? "Open in Portside" : "Open link (new tab)"}
        </a>
      ) : null}
      {aws ? (
        <a href={aws} target="_blank" rel="noopener noreferrer" className="text-sky-700 underline dark:text-sky-400">
          AWS console (new tab)
        </a>
      ) : null}
    </p>
  );
}

function TimelineEntry({ entry, isEditable }: { entry: TTimelineEntryView; isEditable: boolean }) {
  const { busy, error, change } = useEntryChange();
  const [isEditing, setIsEditing] = useState(false);
  const [text, setText] = useState(entry.text);
  const fieldId = useId();

  async function saveText(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (await change(entry.id, "PATCH", { text: text.trim() })) setIsEditing(false);
  }

  return (
    <li className={cn("relative rounded-md py-2 pr-2 pl-3", entry.isSuspect && "border-l-4 border-red-500 bg-red-50/50 dark:border-red-700 dark:bg-red-950/30")}>
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <DualTime iso={entry.at} />
        <Badge>{SOURCE_LABELS[entry.source] ?? entry.source}</Badge>
        {entry.isSuspect ? (
          <Badge tone="bad">
            <TriangleAlert aria-hidden className="size-3" />
            Suspect: the attributed deployment
          </Badge>
        ) : null}
        {entry.isStarred ? (
          <span className="inline-flex items-center gap-1 text-amber-800 dark:text-amber-300">
            <Star aria-hidden className="size-3 fill-current" />
            In the document
          </span>
        ) : null}
      </p>
      {isEditing ? (
        <form onSubmit={saveText} aria-label="Reword the entry" className="mt-1 flex flex-wrap items-end gap-2">
          <div className="min-w-0 flex-1 basis-60">
            <label htmlFor={fieldId} className={labelClass}>
              What happened
            </label>
            <input id={fieldId} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} className={inputClass} autoFocus />
          </div>
          <Button type="submit" tone="primary" disabled={busy || !text.trim()}>
            Save
          </Button>
          <Button
            onClick={() => {
              setText(entry.text);
              setIsEditing(false);
            }}
            disabled={busy}
          >
            Cancel
          </Button>
        </form>
      ) : (
        <p className="mt-0.5 text-sm break-words">{entry.text}</p>
      )}
      {entry.originalText !== null ? (
        <p className="mt-0.5 text-xs break-words text-zinc-600 dark:text-zinc-400">
          Edited{entry.editedBy ? ` by ${entry.editedBy.name}` : ""} — original: {entry.originalText}
        </p>
      ) : null}
      <EntryLinks entry={entry} />
      {isEditable && !isEditing ? (
        <div className="mt-1.5 flex flex-wrap gap-1.5 print:hidden">
          <Button className="px-2 py-1 text-xs" aria-pressed={entry.isStarred} disabled={busy} onClick={() => void change(entry.id, "PATCH", { isStarred: !entry.isStarred })}>
            <Star aria-hidden className={cn("size-3.5", entry.isStarred && "fill-amber-400 text-amber-600")} />
            Star
          </Button>
          <Button className="px-2 py-1 text-xs" disabled={busy} onClick={() => void change(entry.id, "PATCH", { isHidden: !entry.isHidden })}>
            {entry.isHidden ? <Eye aria-hidden className="size-3.5" /> : <EyeOff aria-hidden className="size-3.5" />}
            {entry.isHidden ? "Show" : "Hide"}
          </Button>
          <Button
            className="px-2 py-1 text-xs"
            disabled={busy}
            onClick={() => {
              setText(entry.text);
              setIsEditing(true);
            }}
          >
            <Pencil aria-hidden className="size-3.5" />
            Edit
          </Button>
          {entry.isManual ? (
            <ConfirmButton label="Delete" confirmLabel="Delete the entry" busyLabel="Deleting…" disabled={busy} onConfirm={async () => {
                await change(entry.id, "DELETE");
              }} />
          ) : null}
        </div>
      ) : null}
      <FormError error={error} />
    </li>
  );
}

function AddEntryForm({ defaultAt, onDone }: { defaultAt: string; onDone: () => void }) {
  const router = useRouter();
  const { postmortemId, noteVersion } = usePostmortemEditor();
  const { busy, error, run } = useApiAction();
  const [at, setAt] = useState(toUtcInput(defaultAt));
  const [text, setText] = useState("");
  const [isStarred, setIsStarred] = useState(true);
  const atId = useId();
  const textId = useId();
  const starId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const iso = fromUtcInput(at);
    if (!iso) return;
    const body: TTimelineEntryCreate = { at: iso, text: text.trim(), isStarred };
    const ok = await run(async () => {
      const result = await apiFetch<{ id: number; documentVersion: number }>(`/api/postmortems/${postmortemId}/timeline`, { method: "POST", json: body });
      noteVersion(result.documentVersion);
    });
    if (ok) {
      setText("");
      router.refresh();
      onDone();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Add a timeline entry" className="mt-3 grid gap-3 rounded-lg border border-zinc-200 p-3 sm:grid-cols-[14rem_1fr] dark:border-zinc-700">
      <div>
        <label htmlFor={atId} className={labelClass}>
          Time (UTC)
        </label>
        <input id={atId} type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} required className={inputClass} />
      </div>
      <div>
        <label htmlFor={textId} className={labelClass}>
          What happened
        </label>
        <input id={textId} value={text} onChange={(e) => setText(e.target.value)} required maxLength={2000} className={inputClass} autoFocus />
      </div>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        <label htmlFor={starId} className="inline-flex items-center gap-2 text-sm">
          <input id={starId} type="checkbox" checked={isStarred} onChange={(e) => setIsStarred(e.target.checked)} />
          Star it (show it in the document)
        </label>
        <Button type="submit" tone="primary" disabled={busy || !text.trim() || !at}>
          {busy ? "Adding…" : "Add entry"}
        </Button>
        <Button onClick={onDone} disabled={busy}>
          Cancel
        </Button>
      </div>
      <div className="sm:col-span-2 empty:hidden">
        <FormError error={error} />
      </div>
    </form>
  );
}

function RedraftForm({ marginBeforeMinutes, marginAfterMinutes }: { marginBeforeMinutes: number; marginAfterMinutes: number }) {
  const router = useRouter();
  const { postmortemId } = usePostmortemEditor();
  const { busy, error, run } = useApiAction();
  const [hoursBefore, setHoursBefore] = useState(String(marginBeforeMinutes / 60));
  const [minutesAfter, setMinutesAfter] = useState(String(marginAfterMinutes));
  const [message, setMessage] = useState<string | null>(null);
  const beforeId = useId();
  const afterId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    const body: TRedraft = { marginBeforeMinutes: Math.round(Number(hoursBefore) * 60), marginAfterMinutes: Math.round(Number(minutesAfter)) };
    let entries: number | null = null;
    const ok = await run(async () => {
      const result = await apiFetch<{ entries: number } | null>(`/api/postmortems/${postmortemId}/timeline/redraft`, { method: "POST", json: body });
      entries = result?.entries ?? null;
    });
    if (ok) {
      setMessage(entries === null ? "Redrafted." : `Redrafted: ${entries} ${entries === 1 ? "entry" : "entries"} from the evidence.`);
      router.refresh();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Redraft the timeline" className="flex flex-wrap items-end gap-3">
      <div className="w-40">
        <label htmlFor={beforeId} className={labelClass}>
          Hours before it opened
        </label>
        <input id={beforeId} type="number" min={0} max={168} step={0.5} value={hoursBefore} onChange={(e) => setHoursBefore(e.target.value)} required className={inputClass} />
      </div>
      <div className="w-40">
        <label htmlFor={afterId} className={labelClass}>
          Minutes after it resolved
        </label>
        <input id={afterId} type="number" min={0} max={10080} step={1} value={minutesAfter} onChange={(e) => setMinutesAfter(e.target.value)} required className={inputClass} />
      </div>
      <Button type="submit" disabled={busy}>
        {busy ? "Redrafting…" : "Redraft"}
      </Button>
      <p role="status" className="basis-full text-xs text-zinc-600 empty:hidden dark:text-zinc-400">
        {message}
      </p>
      <div className="basis-full empty:hidden">
        <FormError error={error} />
      </div>
    </form>
  );
}

/**
 * The evidence timeline: what Portside drafted from deployments, pipelines,
 * alarms, the service map, the incident and the audit log, plus entries added
 * by hand. Starred entries are the ones the document (and its export) shows;
 * hidden ones fold away; drafted ones can be reworded but keep their original.
 * The print stylesheet prints the document's entries in UTC.
 */
export function TimelineEditor({
  entries,
  isEditable,
  draftedAt,
  marginBeforeMinutes,
  marginAfterMinutes,
  hasEvidenceWindow,
  defaultAddAt,
}: {
  entries: TTimelineEntryView[];
  isEditable: boolean;
  draftedAt: string | null;
  marginBeforeMinutes: number;
  marginAfterMinutes: number;
  /** An incident or a start of impact to draw the evidence window around. */
  hasEvidenceWindow: boolean;
  /** Where the add form's time starts (the incident's opening, else now). */
  defaultAddAt: string;
}) {
  const sorted = entries.slice().sort(byTime);
  const hidden = sorted.filter((e) => e.isHidden);
  const visible = sorted.filter((e) => !e.isHidden);
  const starredCount = visible.filter((e) => e.isStarred).length;
  const [isStarredOnly, setIsStarredOnly] = useState(starredCount > 0);
  const [isAdding, setIsAdding] = useState(false);
  const toggleId = useId();
  const shown = isStarredOnly ? visible.filter((e) => e.isStarred) : visible;
  const printed = documentEntries(entries);

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3 print:hidden">
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {draftedAt ? (
            <>
              Drafted from the evidence at <DualTime iso={draftedAt} isSeconds={false} />, from {marginBeforeMinutes / 60} h before the incident opened to {marginAfterMinutes} min after it resolved.
            </>
          ) : hasEvidenceWindow ? (
            "Not drafted from the evidence yet."
          ) : (
            "No incident: there is no evidence window to draft from. Add entries by hand, or set when the impact started."
          )}
          {" "}
          {visible.length} {visible.length === 1 ? "entry" : "entries"}, {starredCount} starred.
        </p>
        <label htmlFor={toggleId} className="inline-flex items-center gap-2 text-sm">
          <input id={toggleId} type="checkbox" checked={isStarredOnly} onChange={(e) => setIsStarredOnly(e.target.checked)} />
          Starred only
        </label>
      </div>

      {entries.length === 0 ? (
        <div className="print:hidden">
          <EmptyState title="No evidence in the window: widen it or add entries by hand" />
        </div>
      ) : shown.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400 print:hidden">
          {isStarredOnly ? "No entry is starred yet: star the ones that tell the story, or untick “Starred only” to see them all." : "Every entry is hidden."}
        </p>
      ) : (
        <ol aria-label="Evidence timeline, oldest first" className="space-y-1 print:hidden">
          {shown.map((e) => (
            <TimelineEntry key={e.id} entry={e} isEditable={isEditable} />
          ))}
        </ol>
      )}

      {hidden.length > 0 ? (
        <details className="mt-3 print:hidden">
          <summary className="cursor-pointer text-sm text-sky-700 dark:text-sky-400">{hidden.length} hidden</summary>
          <ol aria-label="Hidden entries" className="mt-2 space-y-1 opacity-80">
            {hidden.map((e) => (
              <TimelineEntry key={e.id} entry={e} isEditable={isEditable} />
            ))}
          </ol>
        </details>
      ) : null}

      {/* What the printed document shows: the starred entries (all when none is starred), in UTC. */}
      <ol className="hidden space-y-1 text-sm print:block">
        {printed.map((e) => (
          <li key={e.id}>
            <span className="font-mono text-xs">{formatUtc(e.at)}</span> · {SOURCE_LABELS[e.source] ?? e.source}
            {e.isSuspect ? " · suspect (the attributed deployment)" : ""} — {e.text}
          </li>
        ))}
      </ol>

      {isEditable ? (
        <div className="mt-4 space-y-4 border-t border-zinc-200 pt-4 print:hidden dark:border-zinc-800">
          {isAdding ? (
            <AddEntryForm defaultAt={defaultAddAt} onDone={() => setIsAdding(false)} />
          ) : (
            <Button onClick={() => setIsAdding(true)}>Add an entry by hand</Button>
          )}
          {hasEvidenceWindow ? <RedraftForm marginBeforeMinutes={marginBeforeMinutes} marginAfterMinutes={marginAfterMinutes} /> : null}
        </div>
      ) : null}
    </div>
  );
}
