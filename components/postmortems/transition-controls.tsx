"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { usePostmortemEditor } from "@/components/postmortems/postmortem-editor";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TPostmortemAction, TTransition } from "@/lib/postmortems/schemas";
import { WORKFLOW } from "@/lib/postmortems/workflow";
import { useApiAction } from "@/lib/use-api-action";

/** Actions that ask for words first: what should change (required), a sign-off (optional), why none is needed (required). */
const ASKS: Partial<Record<TPostmortemAction, { field: "comment" | "reason"; label: string; isRequired: boolean; confirm: string }>> = {
  request_changes: { field: "comment", label: "What should change", isRequired: true, confirm: "Request changes" },
  approve: { field: "comment", label: "Sign-off comment (optional)", isRequired: false, confirm: "Approve" },
  not_required: { field: "reason", label: "Why no postmortem is needed", isRequired: true, confirm: "Mark not required" },
};

const PRIMARY: ReadonlySet<TPostmortemAction> = new Set(["submit", "approve", "publish"]);

/**
 * The buttons for exactly the actions this person can take now
 * (view.viewer.actions), each naming the document version seen: approving a
 * text that changed since is refused by the API.
 */
export function TransitionControls({ actions }: { actions: TPostmortemAction[] }) {
  const router = useRouter();
  const { postmortemId, version, noteVersion, unsaved } = usePostmortemEditor();
  const { busy, error, run } = useApiAction();
  const [asking, setAsking] = useState<TPostmortemAction | null>(null);
  const [words, setWords] = useState("");
  const fieldId = useId();

  async function take(action: TPostmortemAction, text?: string) {
    const field = ASKS[action]?.field;
    const said = text?.trim();
    const body: TTransition = { action, version, ...(field && said ? (field === "comment" ? { comment: said } : { reason: said }) : {}) };
    const ok = await run(async () => {
      const result = await apiFetch<{ status: string; version: number }>(`/api/postmortems/${postmortemId}/transitions`, { method: "POST", json: body });
      noteVersion(result.version);
    });
    if (ok) {
      setAsking(null);
      setWords("");
    }
    // A stale version (someone changed it meanwhile) needs the page as it is now.
    router.refresh();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (asking) void take(asking, words);
  }

  if (actions.length === 0) return null;
  const ask = asking ? ASKS[asking] : undefined;
  return (
    <div className="print:hidden">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Review">
        {actions.map((action) => (
          <Button
            key={action}
            tone={PRIMARY.has(action) ? "primary" : "neutral"}
            disabled={busy}
            aria-expanded={ASKS[action] ? asking === action : undefined}
            onClick={() => {
              if (ASKS[action]) {
                setAsking(asking === action ? null : action);
                setWords("");
              } else void take(action);
            }}
          >
            {WORKFLOW[action].label}
          </Button>
        ))}
      </div>
      {unsaved.length > 0 ? (
        <p className="mt-2 text-xs text-amber-800 dark:text-amber-300">
          Unsaved changes in {unsaved.join(", ")}: save them first, or they are not part of what is reviewed.
        </p>
      ) : null}
      {asking && ask ? (
        <form onSubmit={submit} aria-label={WORKFLOW[asking].label} className="mt-3 max-w-xl rounded-lg border border-zinc-200 p-3 dark:border-zinc-700">
          <label htmlFor={fieldId} className={labelClass}>
            {ask.label}
          </label>
          <textarea id={fieldId} value={words} onChange={(e) => setWords(e.target.value)} required={ask.isRequired} rows={3} maxLength={ask.field === "reason" ? 2000 : 10_000} className={inputClass} autoFocus />
          <div className="mt-2 flex gap-2">
            <Button type="submit" tone={asking === "approve" ? "primary" : "neutral"} disabled={busy || (ask.isRequired && !words.trim())}>
              {busy ? "Sending…" : ask.confirm}
            </Button>
            <Button onClick={() => setAsking(null)} disabled={busy}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      <FormError error={error} />
    </div>
  );
}
