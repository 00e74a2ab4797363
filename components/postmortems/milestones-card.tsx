"use client";

import { useId, useState, type FormEvent } from "react";
import { useHeaderPatch } from "@/components/postmortems/postmortem-editor";
import { DualTime, fromUtcInput, toUtcInput } from "@/components/postmortems/timeline-time";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { formatDuration } from "@/lib/postmortems/markdown-export";
import type { TDurationView, TMilestoneView } from "@/lib/postmortems/view";

/** The milestones a person may set by hand (the others are the incident's own times). */
const OVERRIDES = { impactStarted: "impactStartedAt", mitigated: "mitigatedAt" } as const;
type TOverridable = keyof typeof OVERRIDES;

const overridePatch = (field: (typeof OVERRIDES)[TOverridable], at: string | null) => (field === "impactStartedAt" ? { impactStartedAt: at } : { mitigatedAt: at });

function OverrideControls({ milestone, override }: { milestone: TMilestoneView & { key: TOverridable }; override: string | null }) {
  const { busy, error, patch } = useHeaderPatch();
  const [isEditing, setIsEditing] = useState(false);
  const [value, setValue] = useState(toUtcInput(override ?? milestone.at));
  const fieldId = useId();
  const field = OVERRIDES[milestone.key];

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const iso = fromUtcInput(value);
    if (iso && (await patch(overridePatch(field, iso)))) setIsEditing(false);
  }

  return (
    <div className="print:hidden">
      {isEditing ? (
        <form onSubmit={save} aria-label={`Set ${milestone.label.toLowerCase()} by hand`} className="mt-1 flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor={fieldId} className={labelClass}>
              {milestone.label} (UTC)
            </label>
            <input id={fieldId} type="datetime-local" step={1} value={value} onChange={(e) => setValue(e.target.value)} required className={inputClass} autoFocus />
          </div>
          <Button type="submit" tone="primary" disabled={busy || !value}>
            Save
          </Button>
          <Button onClick={() => setIsEditing(false)} disabled={busy}>
            Cancel
          </Button>
        </form>
      ) : (
        <div className="mt-1 flex flex-wrap gap-1.5">
          <Button
            className="px-2 py-1 text-xs"
            disabled={busy}
            onClick={() => {
              setValue(toUtcInput(override ?? milestone.at));
              setIsEditing(true);
            }}
          >
            Set by hand<span className="sr-only"> for {milestone.label.toLowerCase()}</span>
          </Button>
          {override ? (
            <Button className="px-2 py-1 text-xs" disabled={busy} onClick={() => void patch(overridePatch(field, null))}>
              Use the derived time<span className="sr-only"> for {milestone.label.toLowerCase()}</span>
            </Button>
          ) : null}
        </div>
      )}
      <FormError error={error} />
    </div>
  );
}

const isOverridable = (m: TMilestoneView): m is TMilestoneView & { key: TOverridable } => m.key in OVERRIDES;

/**
 * When impact started, was detected, acknowledged, mitigated and resolved,
 * each with its basis (the evidence it was read from, or "set by hand"), and
 * the durations between them. Impact start and mitigation can be set by hand
 * while the postmortem is editable, and cleared to go back to the evidence.
 */
export function MilestonesCard({
  milestones,
  durations,
  isEditable,
  overrides,
}: {
  milestones: TMilestoneView[];
  durations: TDurationView[];
  isEditable: boolean;
  overrides: { impactStartedAt: string | null; mitigatedAt: string | null };
}) {
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]">
      <ol aria-label="Milestones" className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {milestones.map((m) => (
          <li key={m.key} className="grid gap-x-4 gap-y-0.5 py-2 first:pt-0 sm:grid-cols-[9rem_1fr]">
            <span className="text-sm font-medium">{m.label}</span>
            <div className="min-w-0 text-sm">
              {m.at ? <DualTime iso={m.at} /> : <span className="text-zinc-600 dark:text-zinc-400">Unknown</span>}
              <p className="text-xs text-zinc-600 dark:text-zinc-400">Basis: {m.basis}</p>
              {isEditable && isOverridable(m) ? <OverrideControls milestone={m} override={overrides[OVERRIDES[m.key]]} /> : null}
            </div>
          </li>
        ))}
      </ol>
      <dl aria-label="Durations" className="space-y-2 self-start rounded-lg bg-zinc-50 p-3 text-sm dark:bg-zinc-800/60">
        {durations.map((d) => (
          <div key={d.key} className="flex justify-between gap-3">
            <dt className="text-zinc-600 dark:text-zinc-400">{d.label}</dt>
            <dd className="font-medium tabular-nums">{d.ms === null ? <span className="font-normal text-zinc-600 dark:text-zinc-400">unknown</span> : formatDuration(d.ms)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
