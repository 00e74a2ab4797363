"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TIncidentPatch, TIncidentStatus } from "@/lib/incidents/schemas";
import { useApiAction } from "@/lib/use-api-action";

function usePatch(incidentId: number) {
  const router = useRouter();
  const action = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  async function patch(body: TIncidentPatch, message: string) {
    setDone(null);
    const ok = await action.run(() => apiFetch(`/api/incidents/${incidentId}`, { method: "PATCH", json: body }));
    if (ok) {
      setDone(message);
      router.refresh();
    }
  }
  return { ...action, done, patch };
}

function Done({ message }: { message: string | null }) {
  return (
    <p role="status" className="mt-2 text-xs text-zinc-600 empty:hidden dark:text-zinc-400">
      {message}
    </p>
  );
}

/** Acknowledge, resolve or reopen: the times are now. */
export function IncidentStatusControls({ incidentId, status }: { incidentId: number; status: TIncidentStatus }) {
  const { busy, error, done, patch } = usePatch(incidentId);
  const now = () => new Date().toISOString();
  return (
    <div>
      <div className="flex flex-wrap gap-2">
        {status === "open" ? (
          <Button disabled={busy} onClick={() => patch({ acknowledgedAt: now() }, "Acknowledged.")}>
            Acknowledge
          </Button>
        ) : null}
        {status !== "resolved" ? (
          <Button tone="primary" disabled={busy} onClick={() => patch({ resolvedAt: now() }, "Resolved.")}>
            Resolve
          </Button>
        ) : (
          <Button disabled={busy} onClick={() => patch({ resolvedAt: null }, "Reopened.")}>
            Reopen
          </Button>
        )}
      </div>
      <Done message={done} />
      <FormError error={error} />
    </div>
  );
}

export interface TCandidate {
  id: number;
  label: string;
}

/**
 * Who or what caused it: the deployment (one of the service's recent ones,
 * none, or back to the rule) and whether a change caused it at all. Every
 * change is audited by the API.
 */
export function AttributionControls({
  incidentId,
  deploymentId,
  attribution,
  causedByChange,
  candidates,
}: {
  incidentId: number;
  deploymentId: number | null;
  attribution: "explicit" | "rule" | null;
  causedByChange: boolean | null;
  candidates: TCandidate[];
}) {
  const { busy, error, done, patch } = usePatch(incidentId);
  const deploymentField = useId();
  const causeField = useId();
  const current = attribution === "explicit" ? (deploymentId === null ? "none" : String(deploymentId)) : "rule";
  const [deployment, setDeployment] = useState(current);
  const [cause, setCause] = useState(causedByChange === null ? "unknown" : causedByChange ? "yes" : "no");

  function saveDeployment() {
    const body: TIncidentPatch = { deployment: deployment === "rule" ? "rule" : deployment === "none" ? null : { id: Number(deployment) } };
    void patch(body, "Attribution saved.");
  }
  function saveCause() {
    void patch({ causedByChange: cause === "unknown" ? null : cause === "yes" }, "Cause saved.");
  }

  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={deploymentField} className={labelClass}>
          Attributed deployment
        </label>
        <div className="flex gap-2">
          <select id={deploymentField} value={deployment} onChange={(e) => setDeployment(e.target.value)} className={inputClass}>
            <option value="rule">Let the rule decide</option>
            <option value="none">No deployment caused it</option>
            {candidates.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.label}
              </option>
            ))}
          </select>
          <Button disabled={busy || deployment === current} onClick={saveDeployment}>
            Save
          </Button>
        </div>
      </div>
      <div>
        <label htmlFor={causeField} className={labelClass}>
          Caused by a change?
        </label>
        <div className="flex gap-2">
          <select id={causeField} value={cause} onChange={(e) => setCause(e.target.value)} className={inputClass}>
            <option value="unknown">Not known yet</option>
            <option value="yes">Yes</option>
            <option value="no">No (left out of DORA recovery time)</option>
          </select>
          <Button disabled={busy || cause === (causedByChange === null ? "unknown" : causedByChange ? "yes" : "no")} onClick={saveCause}>
            Save
          </Button>
        </div>
      </div>
      <Done message={done} />
      <FormError error={error} />
    </div>
  );
}
