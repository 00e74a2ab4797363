"use client";

import { useQuery } from "@tanstack/react-query";
import { Printer, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/api-client";
import { POSTMORTEM_STATUS_LABELS, type TPostmortemPatch, type TPostmortemStatus } from "@/lib/postmortems/schemas";
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

/** How often an open postmortem asks whether someone else changed it (and again whenever its tab comes back into view). */
const REMOTE_CHECK_MS = 20_000;

export const postmortemHeadKeys = {
  head: (postmortemId: number) => ["postmortems", postmortemId, "head"] as const,
};

interface THead {
  version: number;
  status: TPostmortemStatus;
  title: string;
}

/**
 * Whether a click on this link is an in-app navigation away from the page
 * (next/link or a plain same-origin link): not a new tab, a download, another
 * site (the browser's own beforeunload prompt covers those) or a #fragment.
 */
function isLeavingClick(event: MouseEvent): boolean {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(anchor instanceof HTMLAnchorElement)) return false;
  if ((anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return false;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return false;
  return url.pathname !== window.location.pathname || url.search !== window.location.search;
}

/**
 * What the postmortem page's editors share: the document version that header
 * saves and transitions name (each change answers with the new one, so a
 * person's own changes never make their next click stale), and which sections
 * hold unsaved text, so that leaving the page (closing it, or following a
 * link inside the portal) asks first and a transition warns. It also notices
 * when someone else changes the document meanwhile and offers to show it,
 * without touching unsaved text.
 */
export function PostmortemEditorProvider({
  postmortemId,
  version,
  status,
  title,
  children,
}: {
  postmortemId: number;
  version: number;
  /** The state and title this page was rendered with, to say what changed. */
  status: TPostmortemStatus;
  title: string;
  children: ReactNode;
}) {
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
    // The App Router navigates in the page, so beforeunload never fires for its links: ask on the click
    // itself, in the capture phase, before next/link (or any other handler) acts on it.
    const confirmLeaving = (event: MouseEvent) => {
      if (!isLeavingClick(event)) return;
      if (window.confirm(`Unsaved changes in ${unsaved.join(", ")}. Leave this page and lose them?`)) return;
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener("click", confirmLeaving, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("click", confirmLeaving, true);
    };
  }, [unsaved]);

  const current = Math.max(known, version);
  const value = useMemo(() => ({ postmortemId, version: current, noteVersion, unsaved, markUnsaved }), [postmortemId, current, noteVersion, unsaved, markUnsaved]);
  return (
    <EditorContext.Provider value={value}>
      <RemoteChangeBanner postmortemId={postmortemId} seen={{ version: current, status, title }} />
      {children}
    </EditorContext.Provider>
  );
}

/**
 * Asks now and then (and when the tab comes back into view) for the
 * document's version; when someone else moved it past what this page has
 * seen, says what changed and offers to show it. Showing it renders the page
 * again from the server: sections with unsaved text keep it (see
 * SectionEditor), so nothing typed is ever discarded.
 */
function RemoteChangeBanner({ postmortemId, seen }: { postmortemId: number; seen: THead }) {
  const router = useRouter();
  /** The version the person asked to see; the button waits until the page shows it. */
  const [reloadingFor, setReloadingFor] = useState<number | null>(null);
  const head = useQuery({
    queryKey: postmortemHeadKeys.head(postmortemId),
    queryFn: async (): Promise<THead> => {
      const view = await apiFetch<TPostmortemView>(`/api/postmortems/${postmortemId}`, { method: "GET" });
      return { version: view.version, status: view.status, title: view.title };
    },
    // The page was rendered with the document as it is now; the first question waits for the interval or the tab's return.
    initialData: seen,
    refetchOnMount: false,
    staleTime: 0,
    refetchOnWindowFocus: "always",
    refetchInterval: REMOTE_CHECK_MS,
  });
  const remote = head.data;
  const isChanged = remote.version > seen.version;
  const isReloading = isChanged && reloadingFor === remote.version;

  const changes: string[] = [];
  if (remote.status !== seen.status) changes.push(`it is now ${POSTMORTEM_STATUS_LABELS[remote.status].toLowerCase()}`);
  if (remote.title !== seen.title) changes.push(`its title is now “${remote.title}”`);
  return (
    <div role="status" className="sticky top-0 z-20 empty:hidden print:hidden">
      {isChanged ? (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950 shadow-sm dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
          <p>
            Someone else changed this postmortem since this page was loaded{changes.length > 0 ? `: ${changes.join("; ")}` : ""}. Reloading shows their changes; text you have
            not saved stays in its editor.
          </p>
          <Button
            disabled={isReloading}
            onClick={() => {
              setReloadingFor(remote.version);
              router.refresh();
            }}
          >
            <RefreshCw aria-hidden className="size-4" />
            {isReloading ? "Reloading…" : "Reload"}
          </Button>
        </div>
      ) : null}
    </div>
  );
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
