"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { useApiAction } from "@/lib/use-api-action";

interface TRecorded {
  incidents: { id: number }[];
}

/**
 * Opens an incident by hand, through the same POST /api/incidents that
 * paging tools use (source "portside", a fresh external id), then goes to it.
 */
export function DeclareIncidentForm({ services, defaultService }: { services: { slug: string; name: string; team: string }[]; defaultService?: string }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const [isOpen, setIsOpen] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await run(async () => {
      const description = String(form.get("description") ?? "").trim();
      const result = await apiFetch<TRecorded>("/api/incidents", {
        method: "POST",
        json: {
          service: String(form.get("service") ?? ""),
          title: String(form.get("title") ?? ""),
          severity: String(form.get("severity") ?? ""),
          openedAt: new Date().toISOString(),
          source: "portside",
          externalId: crypto.randomUUID(),
          ...(description ? { description } : {}),
        },
      });
      const id = result.incidents[0]?.id;
      if (id !== undefined) router.push(`/incidents/${id}`);
    });
  }

  if (!isOpen) {
    return (
      <Button tone="danger" onClick={() => setIsOpen(true)}>
        Declare an incident
      </Button>
    );
  }
  return (
    <form
      id="declare-incident"
      onSubmit={submit}
      aria-label="Declare an incident"
      className="mb-6 grid gap-3 rounded-xl border border-red-200 bg-red-50/50 p-4 sm:grid-cols-2 dark:border-red-900 dark:bg-red-950/30"
    >
      <label className="sm:col-span-2">
        <span className={labelClass}>What is happening</span>
        <input name="title" required maxLength={500} placeholder="e.g. Checkout returns 502 for a third of requests" className={inputClass} autoFocus />
      </label>
      <label>
        <span className={labelClass}>Service</span>
        <select name="service" required defaultValue={defaultService ?? ""} className={inputClass}>
          <option value="" disabled>
            Choose a service
          </option>
          {services.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name} ({s.team})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className={labelClass}>Severity</span>
        <select name="severity" defaultValue="SEV2" className={inputClass}>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="sm:col-span-2">
        <span className={labelClass}>Details (optional)</span>
        <textarea name="description" rows={2} maxLength={10_000} className={inputClass} />
      </label>
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" tone="danger" disabled={busy}>
          {busy ? "Declaring…" : "Declare"}
        </Button>
        <Button onClick={() => setIsOpen(false)} disabled={busy}>
          Cancel
        </Button>
      </div>
      <div className="sm:col-span-2">
        <FormError error={error} />
      </div>
    </form>
  );
}
