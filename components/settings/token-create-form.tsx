"use client";

import { Check, Copy } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import { useApiAction } from "@/lib/use-api-action";

interface TCreated {
  id: number;
  name: string;
  prefix: string;
  token: string;
}

/** Creates a token and shows its secret once, with a copy button; the list refreshes underneath. */
export function TokenCreateForm({ teams, orgWide }: { teams: { slug: string; name: string }[]; orgWide: boolean }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const [created, setCreated] = useState<TCreated | null>(null);
  const [copied, setCopied] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    await run(async () => {
      const expires = String(form.get("expiresInDays") ?? "");
      const result = await apiFetch<TCreated>("/api/tokens", {
        method: "POST",
        json: {
          name: String(form.get("name") ?? ""),
          scopes: form.getAll("scopes").map(String),
          team: String(form.get("team") ?? "") || null,
          expiresInDays: expires ? Number(expires) : null,
        },
      });
      setCreated(result);
      setCopied(false);
      target.reset();
      router.refresh();
    });
  }

  return (
    <div>
      {created ? (
        <div role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
          <p className="font-medium">Token “{created.name}” created. Copy it now: it is shown only this once.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-token" className="min-w-0 flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
              {created.token}
            </code>
            <Button
              onClick={async () => {
                await navigator.clipboard.writeText(created.token).catch(() => undefined);
                setCopied(true);
              }}
              aria-label="Copy the token"
            >
              {copied ? <Check aria-hidden className="size-4" /> : <Copy aria-hidden className="size-4" />}
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button onClick={() => setCreated(null)}>Done</Button>
          </div>
        </div>
      ) : null}
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[2fr_1.5fr_1fr_1fr_auto] sm:items-end" aria-label="Create an API token">
        <label>
          <span className={labelClass}>Name</span>
          <input name="name" required maxLength={100} placeholder="e.g. github-actions-deploy" className={inputClass} />
        </label>
        <label>
          <span className={labelClass}>Team</span>
          <select name="team" className={inputClass} defaultValue={orgWide ? "" : teams[0]?.slug}>
            {orgWide ? <option value="">Whole organisation</option> : null}
            {teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend className={labelClass}>Scopes</legend>
          <div className="flex gap-3 py-1.5 text-sm">
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" name="scopes" value="ingest" defaultChecked /> ingest
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" name="scopes" value="read" /> read
            </label>
          </div>
        </fieldset>
        <label>
          <span className={labelClass}>Expires</span>
          <select name="expiresInDays" className={inputClass} defaultValue="365">
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </label>
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Creating…" : "Create token"}
        </Button>
      </form>
      <FormError error={error} />
    </div>
  );
}
