"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from "react";
import { CommentsThread } from "@/components/postmortems/comments-thread";
import { MarkdownView } from "@/components/postmortems/markdown-view";
import { usePostmortemEditor } from "@/components/postmortems/postmortem-editor";
import { RevisionHistory } from "@/components/postmortems/revision-history";
import { DualTime } from "@/components/postmortems/timeline-time";
import { Button, inputClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormError } from "@/components/ui/form-error";
import { ApiError, type TApiProblem } from "@/lib/api-client";
import { MAX_SECTION_CHARS } from "@/lib/postmortems/schemas";
import type { TCommentView, TSectionView } from "@/lib/postmortems/view";

/** What a stale save answers with (409): the text saved since, by whom and when. */
interface TSectionConflict {
  currentVersion: number;
  currentBody: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

type TSaveOutcome = { ok: true; version: number; documentVersion: number; isChanged: boolean } | { ok: false; conflict: TSectionConflict } | { ok: false; error: ApiError };

function isConflict(details: unknown): details is TSectionConflict {
  return typeof details === "object" && details !== null && "currentVersion" in details && "currentBody" in details;
}

/** PUT the section's text written on baseVersion; a 409 keeps its details (lib/api-client.ts drops them). */
async function putSection(postmortemId: number, key: string, baseVersion: number, body: string): Promise<TSaveOutcome> {
  let response: Response;
  try {
    response = await fetch(`/api/postmortems/${postmortemId}/sections/${key}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ baseVersion, body }),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, error: new ApiError("The portal could not be reached: your text is still here. Check your connection and save again.", 0) };
  }
  const json = (await response.json().catch(() => null)) as
    | { version: number; documentVersion: number; isChanged: boolean; error?: undefined }
    | { error: { message: string; details?: unknown } }
    | null;
  if (response.ok && json && !json.error) return { ok: true, version: json.version, documentVersion: json.documentVersion, isChanged: json.isChanged };
  const error = json?.error;
  if (response.status === 409 && isConflict(error?.details)) return { ok: false, conflict: error.details };
  if (response.status === 401) return { ok: false, error: new ApiError("Your session has ended: sign in again in another tab, then save (your text is still here).", 401) };
  const details = error?.details as { issues?: TApiProblem[] } | undefined;
  return { ok: false, error: new ApiError(error?.message ?? `The portal answered ${response.status}.`, response.status, details?.issues ?? []) };
}

interface TSaved {
  body: string;
  version: number;
}

/**
 * One section of the postmortem: its text rendered, and for people who may
 * edit it a Markdown editor with a live preview (side by side on wide
 * screens, tabs on narrow ones). Saving is explicit (the button, or Ctrl/Cmd+S)
 * and names the version the text was written on; when someone saved since,
 * both texts are shown side by side and the writer chooses: nothing is lost
 * silently. Unsaved text is flagged, and leaving the page asks first.
 */
export function SectionEditor({
  section,
  isEditable,
  comments,
  mayComment,
  controls,
}: {
  section: TSectionView;
  isEditable: boolean;
  comments: TCommentView[];
  mayComment: boolean;
  /** Shown above the editor (the analysis style switch). */
  controls?: ReactNode;
}) {
  const router = useRouter();
  const { postmortemId, noteVersion, markUnsaved } = usePostmortemEditor();
  const [saved, setSaved] = useState<TSaved>({ body: section.body, version: section.version });
  const [draft, setDraft] = useState(section.body);
  const [isEditing, setIsEditing] = useState(false);
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<TSectionConflict | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const editorId = useId();
  const isDirty = draft !== saved.body;

  // A newer text from the server (someone else's save, seen when the page renders again) replaces ours only when we have none unsaved.
  const [seen, setSeen] = useState(section);
  if (seen !== section) {
    setSeen(section);
    if (section.version > saved.version && !isDirty) {
      setSaved({ body: section.body, version: section.version });
      setDraft(section.body);
    }
  }

  useEffect(() => {
    markUnsaved(section.key, isDirty ? section.title : null);
  }, [isDirty, markUnsaved, section.key, section.title]);
  useEffect(() => () => markUnsaved(section.key, null), [markUnsaved, section.key]);

  async function save(baseVersion = saved.version) {
    if (busy) return;
    const body = draft;
    setBusy(true);
    setError(null);
    setMessage(null);
    const outcome = await putSection(postmortemId, section.key, baseVersion, body);
    setBusy(false);
    if (outcome.ok) {
      setSaved({ body, version: outcome.version });
      setConflict(null);
      noteVersion(outcome.documentVersion);
      setMessage(outcome.isChanged ? `Saved (version ${outcome.version}).` : "Nothing had changed: nothing saved.");
      router.refresh();
    } else if ("conflict" in outcome) {
      setConflict(outcome.conflict);
    } else {
      setError(outcome.error);
    }
  }

  function takeTheirs() {
    if (!conflict) return;
    setSaved({ body: conflict.currentBody, version: conflict.currentVersion });
    setDraft(conflict.currentBody);
    setConflict(null);
    setMessage(`Their text (version ${conflict.currentVersion}) is now in the editor.`);
    router.refresh();
  }

  function onKeyDown(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      void save();
    }
  }

  const headingId = `section-${section.key}`;
  return (
    <section aria-labelledby={headingId} className="py-6 first:pt-0 last:pb-0">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <h2 id={headingId} className="scroll-mt-6 text-lg font-semibold">
            {section.title}
          </h2>
          {isDirty ? (
            <span className="text-xs font-medium text-amber-800 dark:text-amber-300 print:hidden">
              <span aria-hidden>● </span>unsaved changes
            </span>
          ) : null}
        </div>
        {isEditable && !isEditing ? (
          <Button className="text-xs print:hidden" onClick={() => setIsEditing(true)}>
            {saved.body.trim() ? "Edit" : "Write"}
            <span className="sr-only"> {section.title}</span>
          </Button>
        ) : null}
      </div>

      {isEditing ? (
        <div onKeyDown={onKeyDown} className="print:hidden">
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">{section.guidance}</p>
          {controls ? <div className="mb-3">{controls}</div> : null}
          <div className="mb-2 flex gap-1 lg:hidden" role="group" aria-label={`${section.title}: write or preview`}>
            {(["write", "preview"] as const).map((t) => (
              <Button key={t} className="text-xs" aria-pressed={tab === t} onClick={() => setTab(t)} tone={tab === t ? "primary" : "neutral"}>
                {t === "write" ? "Write" : "Preview"}
              </Button>
            ))}
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <div className={cn(tab !== "write" && "hidden lg:block")}>
              <label htmlFor={editorId} className="sr-only">
                {section.title} (Markdown)
              </label>
              <textarea
                id={editorId}
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                rows={Math.min(24, Math.max(8, draft.split("\n").length + 2))}
                maxLength={MAX_SECTION_CHARS}
                spellCheck
                aria-describedby={`${editorId}-hint`}
                className={cn(inputClass, "font-mono text-[13px] leading-relaxed")}
              />
              <p id={`${editorId}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                Markdown. Save with the button or Ctrl+S (⌘S); nothing is saved on its own.
              </p>
            </div>
            <div className={cn("min-w-0 rounded-md border border-dashed border-zinc-300 p-3 dark:border-zinc-700", tab !== "preview" && "hidden lg:block")}>
              <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Preview</p>
              <MarkdownView source={draft} empty={<p className="text-sm text-zinc-600 italic dark:text-zinc-400">Nothing written yet.</p>} />
            </div>
          </div>

          {conflict ? (
            <div role="alert" className="mt-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
              <p className="font-medium">
                {conflict.updatedBy ?? "Someone"} saved this section
                {conflict.updatedAt ? (
                  <>
                    {" "}
                    at <DualTime iso={conflict.updatedAt} />
                  </>
                ) : null}{" "}
                (version {conflict.currentVersion}) since you started. Your text is not saved yet: compare and choose.
              </p>
              <div className="mt-3 grid gap-3 md:grid-cols-2">
                <figure className="min-w-0" aria-label={`Their text (version ${conflict.currentVersion})`}>
                  <figcaption className="mb-1 text-xs font-semibold">Their text (version {conflict.currentVersion})</figcaption>
                  <pre className="max-h-72 overflow-auto rounded-md bg-white p-2 font-mono text-xs whitespace-pre-wrap text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100">{conflict.currentBody || "(empty)"}</pre>
                </figure>
                <figure className="min-w-0" aria-label="Your text">
                  <figcaption className="mb-1 text-xs font-semibold">Your text</figcaption>
                  <pre className="max-h-72 overflow-auto rounded-md bg-white p-2 font-mono text-xs whitespace-pre-wrap text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100">{draft || "(empty)"}</pre>
                </figure>
              </div>
              <div className="mt-3 flex flex-wrap gap-2">
                <Button onClick={takeTheirs} disabled={busy}>
                  Use theirs
                </Button>
                <Button tone="primary" onClick={() => void save(conflict.currentVersion)} disabled={busy}>
                  Keep mine (save over theirs)
                </Button>
              </div>
              <p className="mt-2 text-xs">Or copy what you need from theirs into the editor, then keep yours.</p>
            </div>
          ) : null}

          <div className="mt-3 flex flex-wrap items-center gap-2">
            <Button tone="primary" onClick={() => void save()} disabled={busy || !isDirty || conflict !== null}>
              {busy ? "Saving…" : "Save"}
              <span className="sr-only"> {section.title}</span>
            </Button>
            {isDirty ? (
              <Button
                onClick={() => {
                  setDraft(saved.body);
                  setConflict(null);
                }}
                disabled={busy}
              >
                Discard changes
              </Button>
            ) : (
              <Button onClick={() => setIsEditing(false)} disabled={busy}>
                Close editor
              </Button>
            )}
            <p role="status" className="text-xs text-zinc-600 empty:hidden dark:text-zinc-400">
              {message}
            </p>
          </div>
          <FormError error={error} />
        </div>
      ) : (
        <>
          {isEditable && !saved.body.trim() ? <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400 print:hidden">{section.guidance}</p> : null}
          {controls && isEditable ? <div className="mb-3">{controls}</div> : null}
        </>
      )}

      {/* The saved text: what readers see, and what is printed even while the editor is open. */}
      <div className={cn(isEditing && "hidden print:block")}>
        <MarkdownView source={saved.body} empty={<p className="text-sm text-zinc-600 italic dark:text-zinc-400">Not written.</p>} />
        {section.updatedAt ? (
          <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400 print:hidden">
            Saved by {section.updatedBy?.name ?? "someone"} at <DualTime iso={section.updatedAt} isSeconds={false} />
          </p>
        ) : null}
      </div>

      <div className="mt-3 space-y-2 print:hidden">
        {section.version > 0 ? <RevisionHistory sectionKey={section.key} title={section.title} latestVersion={Math.max(section.version, saved.version)} /> : null}
        {comments.length > 0 || mayComment ? (
          <details className="min-w-0">
            <summary className="cursor-pointer text-sm text-sky-700 dark:text-sky-400">
              Comments ({comments.length})<span className="sr-only"> on {section.title}</span>
            </summary>
            <div className="mt-2">
              <CommentsThread sectionKey={section.key} label={section.title} comments={comments} mayComment={mayComment} />
            </div>
          </details>
        ) : null}
      </div>
    </section>
  );
}
