"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";

/**
 * A GET form for dashboard filters: the filters live in the URL (shareable,
 * back button works). With JavaScript a changed select applies at once, and
 * the URL leaves out empty fields and defaults; without it, the Apply button
 * submits the form as it is.
 */
export function FilterForm({ action, label, defaults = {}, children }: { action: string; label: string; defaults?: Record<string, string>; children: ReactNode }) {
  const router = useRouter();
  return (
    <form
      action={action}
      aria-label={label}
      onChange={(e) => {
        if (e.target instanceof HTMLSelectElement) e.currentTarget.requestSubmit();
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const search = new URLSearchParams();
        for (const [name, value] of new FormData(e.currentTarget)) {
          if (typeof value !== "string" || value === "" || defaults[name] === value) continue;
          search.set(name, value);
        }
        const qs = search.toString();
        router.push(qs ? `${action}?${qs}` : action, { scroll: false });
      }}
      className="flex flex-wrap items-end gap-3"
    >
      {children}
      <button type="submit" className="rounded-md bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
        Apply
      </button>
    </form>
  );
}
