import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/**
 * The one table look: a caption for screen readers (and for tests to find
 * the table by name), a muted header row, and dividers between rows.
 */
export function Table({ caption, columns, children, isPadded = false }: {
  caption: string;
  columns: { label: string; align?: "end" }[];
  children: ReactNode;
  /** Cells get horizontal padding (tables that fill a card edge to edge). */
  isPadded?: boolean;
}) {
  // A narrow screen scrolls a wide table inside its own box, never the whole page sideways.
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className={cn("text-left text-xs text-zinc-500 dark:text-zinc-400", isPadded && "border-b border-zinc-200 dark:border-zinc-800")}>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={cn("font-medium", isPadded ? "px-5 py-3" : "pb-2", c.align === "end" && "text-right")}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
      </table>
    </div>
  );
}
