"use client";

import type { ReactNode } from "react";

/**
 * A GET form for dashboard filters: the filters live in the URL (shareable,
 * back button works). With JavaScript a changed select applies at once;
 * without it, the Apply button does.
 */
export function FilterForm({ action, label, children }: { action: string; label: string; children: ReactNode }) {
  return (
    <form
      action={action}
      aria-label={label}
      onChange={(e) => {
        if (e.target instanceof HTMLSelectElement) e.currentTarget.requestSubmit();
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
