"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TPostmortemCreate } from "@/lib/postmortems/schemas";
import type { TPostmortemCandidates } from "@/lib/postmortems/server/find-postmortem-candidates";
import { useApiAction } from "@/lib/use-api-action";

/**
 * Starts a postmortem: for one of the recent incidents without one (its
 * timeline drafted from the evidence at once), or stand-alone for a team or
 * one of its services, for a near miss or a slow burn. Then goes to it.
 */
export function PostmortemStartForm({ incidents, teams, preselected }: Pick<TPostmortemCandidates, "incidents" | "teams"> & { preselected: number | null }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const [kind, setKind] = useState<"incident" | "standalone">(incidents.length > 0 ? "incident" : "standalone");
  const [incidentId, setIncidentId] = useState(String(preselected ?? incidents[0]?.id ?? ""));
  const [teamId, setTeamId] = useState(String(teams[0]?.id ?? ""));
  const [serviceId, setServiceId] = useState("");
  const [title, setTitle] = useState("");
  const ids = { incident: useId(), team: useId(), service: useId(), title: useId(), incidentTitle: useId() };
  const services = teams.find((t) => String(t.id) === teamId)?.services ?? [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body: TPostmortemCreate =
      kind === "incident"
        ? { incidentId: Number(incidentId), ...(title.trim() ? { title: title.trim() } : {}) }
        : { teamId: Number(teamId), ...(serviceId ? { serviceId: Number(serviceId) } : {}), title: title.trim() };
    await run(async () => {
      const created = await apiFetch<{ id: number; url: string }>("/api/postmortems", { method: "POST", json: body });
      router.push(`/postmortems/${created.id}`);
    });
  }

  return (
    <form onSubmit={submit} aria-label="Start a postmortem" className="max-w-2xl space-y-5">
      <fieldset>
        <legend className="mb-2 text-sm font-medium">What is it about?</legend>
        <div className="space-y-2 text-sm">
          <label className="flex items-start gap-2">
            <input type="radio" name="kind" value="incident" checked={kind === "incident"} onChange={() => setKind("incident")} disabled={incidents.length === 0} className="mt-1" />
            <span>
              An incident
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                {incidents.length > 0 ? "Its evidence timeline is drafted from deployments, alarms and the service map at once." : "No resolved incident of your teams in the last 90 days is without a postmortem."}
              </span>
            </span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="kind" value="standalone" checked={kind === "standalone"} onChange={() => setKind("standalone")} disabled={teams.length === 0} className="mt-1" />
            <span>
              Stand-alone, for a team or a service
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">A near miss, a slow burn, something no incident recorded.</span>
            </span>
          </label>
        </div>
      </fieldset>

      {kind === "incident" ? (
        <>
          <div>
            <label htmlFor={ids.incident} className={labelClass}>
              Incident
            </label>
            <select id={ids.incident} value={incidentId} onChange={(e) => setIncidentId(e.target.value)} required className={inputClass}>
              {incidents.map((i) => (
                <option key={i.id} value={i.id}>
                  #{i.id} {i.title} · {i.severity} · {i.service} ({i.team}) · {i.resolvedAt ? `resolved ${i.resolvedAt.slice(0, 10)}` : "not resolved"}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.incidentTitle} className={labelClass}>
              Title (optional: the incident&apos;s by default)
            </label>
            <input id={ids.incidentTitle} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} className={inputClass} />
          </div>
        </>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <label htmlFor={ids.team} className={labelClass}>
                Team
              </label>
              <select
                id={ids.team}
                value={teamId}
                onChange={(e) => {
                  setTeamId(e.target.value);
                  setServiceId("");
                }}
                required
                className={inputClass}
              >
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={ids.service} className={labelClass}>
                Service (optional)
              </label>
              <select id={ids.service} value={serviceId} onChange={(e) => setServiceId(e.target.value)} className={inputClass}>
                <option value="">None: the whole team</option>
                {services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div>
            <label htmlFor={ids.title} className={labelClass}>
              Title
            </label>
            <input id={ids.title} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} placeholder="e.g. Checkout latency crept up over two weeks" className={inputClass} />
          </div>
        </>
      )}

      <div>
        <Button type="submit" tone="primary" disabled={busy || (kind === "incident" ? !incidentId : !teamId || !title.trim())}>
          {busy ? "Starting…" : "Start the postmortem"}
        </Button>
        <FormError error={error} />
      </div>
    </form>
  );
}
