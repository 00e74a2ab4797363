import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/shell/nav-links";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { UserMenu } from "@/components/shell/user-menu";

export function AppShell({ children, viewer }: { children: ReactNode; viewer: { name: string; email: string; orgRole: "ADMIN" | "EXECUTIVE" | "VIEWER" } }) {
  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_1fr]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900">
        Skip to content
      </a>
      <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:h-dvh md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between gap-2 px-4 py-4">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight">
            <span aria-hidden className="grid size-7 place-items-center rounded-md bg-sky-600 text-sm font-bold text-white">P</span>
            Portside
          </Link>
        </div>
        <nav aria-label="Main" className="px-2 pb-3">
          <NavLinks />
        </nav>
      </aside>
      <div className="min-w-0">
        <div className="flex items-center justify-end gap-3 border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
          <ThemeToggle />
          <UserMenu {...viewer} />
        </div>
        <main id="main" className="mx-auto max-w-7xl px-6 py-8">
          {children}
        </main>
      </div>
    </div>
  );
}
