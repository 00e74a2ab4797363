"use client";

import { useQuery } from "@tanstack/react-query";
import { diffLines } from "diff";
import { useId, useState } from "react";
import { usePostmortemEditor } from "@/components/postmortems/postmortem-editor";
import { formatUtc } from "@/components/postmortems/timeline-time";
import { inputClass, labelClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import type { TSectionKey } from "@/lib/postmortems/schemas";
import type { TPersonRef } from "@/lib/postmortems/view";

interface TRevision {
  version: number;
  body: string;
  at: string;
  author: TPersonRef | null;
}

/** Query keys of the postmortem page's reads (the page itself renders on the server). */
export const postmortemKeys = {
  revisions: (postmortemId: number, key: TSectionKey, latestVersion: number) => ["postmortems", postmortemId, "sections", key, "revisions", latestVersion] as const,
};

interface TDiffLine {
  kind: "added" | "removed" | "same";
  text: string;
}

/** The lines of `from` and `to` as one list, each added, removed or the same (jsdiff's line diff). */
function lineDiff(from: string, to: string): TDiffLine[] {
  const lines: TDiffLine[] = [];
  // A last line without its newline is the same line: the editor never shows the difference.
  const withNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);
  for (const part of diffLines(withNewline(from), withNewline(to))) {
    const kind = part.added ? "added" : part.removed ? "removed" : "same";
    const text = part.value.endsWith("\n") ? part.value.slice(0, -1) : part.value;
    for (const line of text.split("\n")) lines.push({ kind, text: line });
  }
  return lines;
}

const LINE_STYLE: Record<TDiffLine["kind"], { mark: string; label: string; className: string }> = {
  added: { mark: "+", label: "added: ", className: "bg-emerald-50 text-emerald-950 no-underline dark:bg-emerald-950 dark:text-emerald-100" },
  removed: { mark: "−", label: "removed: ", className: "bg-red-50 text-red-950 line-through decoration-red-400 dark:bg-red-950 dark:text-red-100" },
  same: { mark: " ", label: "", className: "" },
};

/**
 * A section's saved versions (who and when), and a line diff between any two
 * of them. Loaded when opened; a new save makes it load again.
 */
export function RevisionHistory({ sectionKey, title, latestVersion }: { sectionKey: TSectionKey; title: string; latestVersion: number }) {
  const { postmortemId } = usePostmortemEditor();
  const [isOpen, setIsOpen] = useState(false);
  const query = useQuery({
    queryKey: postmortemKeys.revisions(postmortemId, sectionKey, latestVersion),
    queryFn: () => apiFetch<{ revisions: TRevision[] }>(`/api/postmortems/${postmortemId}/sections/${sectionKey}`, { method: "GET" }),
    enabled: isOpen,
    staleTime: Infinity,
  });
  const revisions = query.data?.revisions ?? [];
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  const fromId = useId();
  const toId = useId();

  const newest = revisions[0]?.version;
  const from = picked?.from ?? revisions[1]?.version ?? newest;
  const to = picked?.to ?? newest;
  const fromRevision = revisions.find((r) => r.version === from);
  const toRevision = revisions.find((r) => r.version === to);
  const lines = fromRevision && toRevision && from !== to ? lineDiff(fromRevision.body, toRevision.body) : [];
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;

  return (
    <details onToggle={(e) => setIsOpen(e.currentTarget.open)} className="min-w-0">
      <summary className="cursor-pointer text-sm text-sky-700 dark:text-sky-400">
        History ({latestVersion} {latestVersion === 1 ? "version" : "versions"})<span className="sr-only"> of {title}</span>
      </summary>
      <div className="mt-2 space-y-3">
        {query.isPending && isOpen ? (
          <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
            Loading the history…
          </p>
        ) : null}
        {query.error ? <FormError error={query.error} /> : null}
        {revisions.length > 0 ? (
          <>
            <ol className="space-y-0.5 text-xs text-zinc-700 dark:text-zinc-300" aria-label={`Versions of ${title}, newest first`}>
              {revisions.map((r) => (
                <li key={r.version}>
                  <span className="font-medium">Version {r.version}</span> · {r.author?.name ?? "someone"} · <time dateTime={r.at}>{formatUtc(r.at, false)}</time>
                </li>
              ))}
            </ol>
            {revisions.length > 1 ? (
              <>
                <div className="flex flex-wrap items-end gap-3">
                  <div>
                    <label htmlFor={fromId} className={labelClass}>
                      Compare version
                    </label>
                    <select id={fromId} value={from} onChange={(e) => setPicked({ from: Number(e.target.value), to: to ?? 0 })} className={`${inputClass} w-auto`}>
                      {revisions.map((r) => (
                        <option key={r.version} value={r.version}>
                          {r.version}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div>
                    <label htmlFor={toId} className={labelClass}>
                      with version
                    </label>
                    <select id={toId} value={to} onChange={(e) => setPicked({ from: from ?? 0, to: Number(e.target.value) })} className={`${inputClass} w-auto`}>
                      {revisions.map((r) => (
                        <option key={r.version} value={r.version}>
                          {r.version}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                {from === to ? (
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">Pick two different versions to see what changed.</p>
                ) : (
                  <div role="region" aria-label={`Changes from version ${from} to version ${to}`} className="min-w-0">
                    <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">
                      From version {from} to {to}: {added} {added === 1 ? "line" : "lines"} added, {removed} removed.
                    </p>
                    <div className="max-h-96 overflow-auto rounded-md border border-zinc-200 font-mono text-xs dark:border-zinc-700">
                      {lines.map((line, i) => {
                        const style = LINE_STYLE[line.kind];
                        const Tag = line.kind === "added" ? "ins" : line.kind === "removed" ? "del" : "div";
                        return (
                          <Tag key={i} className={`block px-2 whitespace-pre-wrap ${style.className}`}>
                            <span aria-hidden className="mr-2 inline-block w-3 select-none">
                              {style.mark}
                            </span>
                            {style.label ? <span className="sr-only">{style.label}</span> : null}
                            {line.text || " "}
                          </Tag>
                        );
                      })}
                    </div>
                  </div>
                )}
              </>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">One version so far: nothing to compare yet.</p>
            )}
          </>
        ) : null}
      </div>
    </details>
  );
}
