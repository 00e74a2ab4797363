"use client";

import { useId, useState, type FormEvent } from "react";
import { useHeaderPatch } from "@/components/postmortems/postmortem-editor";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { ANALYSIS_STYLES, ANALYSIS_TEMPLATES, type TAnalysisStyle } from "@/lib/postmortems/schemas";

/** The postmortem's title as its page's heading; while it can be edited, an Edit button beside it. */
export function TitleEditor({ title, isEditable }: { title: string; isEditable: boolean }) {
  const { busy, error, patch } = useHeaderPatch();
  const [isEditing, setIsEditing] = useState(false);
  const [draft, setDraft] = useState(title);
  const fieldId = useId();

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft.trim() === title) {
      setIsEditing(false);
      return;
    }
    if (await patch({ title: draft.trim() })) setIsEditing(false);
  }

  return (
    <div>
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-words">{title}</h1>
        {isEditable && !isEditing ? (
          <Button
            className="text-xs print:hidden"
            onClick={() => {
              setDraft(title);
              setIsEditing(true);
            }}
          >
            Edit title
          </Button>
        ) : null}
      </div>
      {isEditing ? (
        <form onSubmit={save} aria-label="Edit the title" className="mt-2 flex max-w-2xl flex-wrap items-end gap-2 print:hidden">
          <div className="min-w-0 flex-1 basis-64">
            <label htmlFor={fieldId} className={labelClass}>
              Title
            </label>
            <input id={fieldId} value={draft} onChange={(e) => setDraft(e.target.value)} required maxLength={200} className={inputClass} autoFocus />
          </div>
          <Button type="submit" tone="primary" disabled={busy || !draft.trim()}>
            {busy ? "Saving…" : "Save title"}
          </Button>
          <Button onClick={() => setIsEditing(false)} disabled={busy}>
            Cancel
          </Button>
        </form>
      ) : null}
      <FormError error={error} />
    </div>
  );
}

/** Contributing factors or five whys: the analysis section's style (its text stays). */
export function AnalysisSwitch({ analysis }: { analysis: TAnalysisStyle }) {
  const { busy, error, patch } = useHeaderPatch();
  const fieldId = useId();
  const [chosen, setChosen] = useState(analysis);
  const [seen, setSeen] = useState(analysis);
  if (seen !== analysis) {
    setSeen(analysis);
    setChosen(analysis);
  }
  async function choose(style: TAnalysisStyle) {
    setChosen(style);
    if (!(await patch({ analysis: style }))) setChosen(analysis);
  }
  return (
    <div className="print:hidden">
      <label htmlFor={fieldId} className={labelClass}>
        Analysis style
      </label>
      <select
        id={fieldId}
        value={chosen}
        disabled={busy}
        onChange={(e) => void choose(e.target.value as TAnalysisStyle)}
        className={`${inputClass} w-auto`}
      >
        {ANALYSIS_STYLES.map((style) => (
          <option key={style} value={style}>
            {ANALYSIS_TEMPLATES[style].title}
          </option>
        ))}
      </select>
      <FormError error={error} />
    </div>
  );
}
