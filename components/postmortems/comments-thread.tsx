"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { usePostmortemEditor } from "@/components/postmortems/postmortem-editor";
import { DualTime } from "@/components/postmortems/timeline-time";
import { Badge } from "@/components/ui/badge";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TCommentCreate, TSectionKey } from "@/lib/postmortems/schemas";
import type { TCommentView } from "@/lib/postmortems/view";
import { useApiAction } from "@/lib/use-api-action";

const KIND: Record<TCommentView["kind"], { badge: string | null; tone: "warn" | "good" | "neutral"; className: string }> = {
  COMMENT: { badge: null, tone: "neutral", className: "border-zinc-200 dark:border-zinc-700" },
  CHANGES_REQUESTED: { badge: "Changes requested", tone: "warn", className: "border-amber-400 bg-amber-50/60 dark:border-amber-700 dark:bg-amber-950/40" },
  APPROVAL: { badge: "Approval", tone: "good", className: "border-emerald-400 bg-emerald-50/60 dark:border-emerald-700 dark:bg-emerald-950/40" },
};

/** One comment: who, when, and the text as written (plain text, never Markdown or HTML). Reviews are marked by name, not colour alone. */
export function CommentItem({ comment }: { comment: TCommentView }) {
  const kind = KIND[comment.kind];
  return (
    <li className={cn("rounded-md border-l-4 py-1.5 pr-2 pl-3", kind.className)}>
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{comment.author?.name ?? "Someone"}</span>
        <DualTime iso={comment.createdAt} isSeconds={false} />
        {kind.badge ? <Badge tone={kind.tone}>{kind.badge}</Badge> : null}
      </p>
      <p className="mt-1 text-sm break-words whitespace-pre-wrap">{comment.body}</p>
    </li>
  );
}

/** Comments on one section (sectionKey) or on the whole postmortem (null): the list, oldest first, and a box to add one. */
export function CommentsThread({ sectionKey, label, comments, mayComment }: { sectionKey: TSectionKey | null; label: string; comments: TCommentView[]; mayComment: boolean }) {
  const router = useRouter();
  const { postmortemId } = usePostmortemEditor();
  const { busy, error, run } = useApiAction();
  const [text, setText] = useState("");
  const fieldId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body: TCommentCreate = { body: text.trim(), sectionKey };
    const ok = await run(() => apiFetch(`/api/postmortems/${postmortemId}/comments`, { method: "POST", json: body }));
    if (ok) {
      setText("");
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      {comments.length > 0 ? (
        <ol className="space-y-2" aria-label={`Comments on ${label}`}>
          {comments.map((c) => (
            <CommentItem key={c.id} comment={c} />
          ))}
        </ol>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No comments yet.</p>
      )}
      {mayComment ? (
        <form onSubmit={submit} aria-label={`Add a comment on ${label}`} className="max-w-2xl print:hidden">
          <label htmlFor={fieldId} className={labelClass}>
            Comment on {label}
          </label>
          <textarea id={fieldId} value={text} onChange={(e) => setText(e.target.value)} rows={2} maxLength={10_000} required className={inputClass} />
          <Button type="submit" className="mt-2" disabled={busy || !text.trim()}>
            {busy ? "Adding…" : "Add comment"}
          </Button>
          <FormError error={error} />
        </form>
      ) : null}
    </div>
  );
}
