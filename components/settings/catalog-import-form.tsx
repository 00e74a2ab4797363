"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TImportCounts, TImportResult } from "@/lib/catalog/server/import-catalog";
import { useApiAction } from "@/lib/use-api-action";

type TResult = TImportResult & { source: string };

function counts(label: string, c: TImportCounts) {
  return `${label}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
}

/** Imports a catalog-info.yaml from an upload or a repository URL; all or nothing, with line-numbered problems. */
export function CatalogImportForm() {
  const router = useRouter();
  const [mode, setMode] = useState<"file" | "url">("file");
  const { busy, error, run } = useApiAction();
  const [result, setResult] = useState<TResult | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setResult(null);
    await run(async () => {
      const imported =
        mode === "file"
          ? await apiFetch<TResult>("/api/catalog/import", { method: "POST", body: form })
          : await apiFetch<TResult>("/api/catalog/import", { method: "POST", json: { url: String(form.get("url") ?? "") } });
      setResult(imported);
      router.refresh();
    });
  }

  return (
    <div>
      <fieldset className="mb-4 flex gap-4 text-sm">
        <legend className="sr-only">Where the file comes from</legend>
        <label className="inline-flex items-center gap-1.5">
          <input type="radio" name="mode" checked={mode === "file"} onChange={() => setMode("file")} /> Upload a file
        </label>
        <label className="inline-flex items-center gap-1.5">
          <input type="radio" name="mode" checked={mode === "url"} onChange={() => setMode("url")} /> From a repository URL
        </label>
      </fieldset>
      <form onSubmit={submit} aria-label="Import a catalog file" className="flex flex-wrap items-end gap-3">
        {mode === "file" ? (
          <label className="min-w-64 flex-1">
            <span className={labelClass}>catalog-info.yaml</span>
            <input name="file" type="file" required accept=".yaml,.yml,application/yaml,text/yaml,text/plain" className={inputClass} />
          </label>
        ) : (
          <label className="min-w-64 flex-1">
            <span className={labelClass}>URL of the file in the repository</span>
            <input name="url" type="url" required placeholder="https://github.com/acme/payments-api/blob/main/catalog-info.yaml" className={inputClass} />
          </label>
        )}
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Importing…" : "Import"}
        </Button>
      </form>
      <FormError error={error} />
      {result ? (
        <div role="status" className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
          <p className="font-medium">Imported {result.source}</p>
          <ul className="mt-1 list-disc pl-5">
            <li>{counts("Teams", result.teams)}</li>
            <li>{counts("Services", result.services)}</li>
            <li>{counts("Other entities", result.entities)}</li>
            <li>
              AWS mappings: {result.mappings.created} added, {result.mappings.removed} removed
            </li>
            {result.pipelines.remapped > 0 ? <li>Pipelines given a new service or production stage: {result.pipelines.remapped}</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
