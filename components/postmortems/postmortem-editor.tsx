"use client";

import { Printer } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/api-client";
import type { TPostmortemPatch } from "@/lib/postmortems/schemas";
import type { TPostmortemView } from "@/lib/postmortems/view";
import { useApiAction } from "@/lib/use-api-action";

interface TEditorContext {
  postmortemId: number;
  /** The newest document version this page has seen: the server's render, or a later one a change answered with. */
  version: number;
  noteVersion(version: number): void;
  /** Titles of the sections with unsaved text. */
  unsaved: string[];
  markUnsaved(key: string, title: string | null): void;
}

const EditorContext = createContext<TEditorContext | null>(null);

/**
 * What the postmortem page's editors share: the document version that header
 * saves and transitions name (each change answers with the new one, so a
 * person's own changes never make their next click stale), and which sections
 * hold unsaved text, so that leaving the page asks first and a transition
 * warns.
 */
export function PostmortemEditorProvider({ postmortemId, version, children }: { postmortemId: number; version: number; children: ReactNode }) {
  const [known, setKnown] = useState(version);
  const [unsavedByKey, setUnsavedByKey] = useState<Record<string, string>>({});
  const noteVersion = useCallback((v: number) => setKnown((current) => Math.max(current, v)), []);
  const markUnsaved = useCallback((key: string, title: string | null) => {
    setUnsavedByKey((current) => {
      if ((current[key] ?? null) === title) return current;
      const next = { ...current };
      if (title === null) delete next[key];
      else next[key] = title;
      return next;
    });
  }, []);
  const unsaved = useMemo(() => Object.values(unsavedByKey), [unsavedByKey]);

  useEffect(() => {
    if (unsaved.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved.length]);

  const value = useMemo(() => ({ postmortemId, version: Math.max(known, version), noteVersion, unsaved, markUnsaved }), [postmortemId, known, version, noteVersion, unsaved, markUnsaved]);
  return <EditorContext.Provider value={value}>{children}</EditorContext.Provider>;
}

export function usePostmortemEditor(): TEditorContext {
  const context = useContext(EditorContext);
  if (!context) throw new Error("usePostmortemEditor is used outside PostmortemEditorProvider");
  return context;
}

/**
 * Saves header fields (title, analysis style, milestones set by hand) on the
 * version this page last saw; resolves to true when saved. Either way the page
 * is rendered again: after a 409 it shows what the other person changed.
 */
export function useHeaderPatch() {
  const router = useRouter();
  const { postmortemId, version, noteVersion } = usePostmortemEditor();
  const { busy, error, run } = useApiAction();
  const patch = useCallback(
    async (fields: Omit<TPostmortemPatch, "version">): Promise<boolean> => {
      const ok = await run(async () => {
        const view = await apiFetch<TPostmortemView>(`/api/postmortems/${postmortemId}`, { method: "PATCH", json: { ...fields, version } });
        noteVersion(view.version);
      });
      router.refresh();
      return ok;
    },
    [postmortemId, version, noteVersion, run, router],
  );
  return { busy, error, patch };
}

/** Opens the browser's print dialog: the page's print stylesheet prints the document alone. */
export function PrintButton() {
  return (
    <Button onClick={() => window.print()}>
      <Printer aria-hidden className="size-4" />
      Print
    </Button>
  );
}
