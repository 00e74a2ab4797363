"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Activity, Bell, BookOpen, Boxes, Gauge, GitBranch, Home, Network, Server, Settings, Siren, Users } from "lucide-react";
import { cn } from "@/components/ui/cn";
import { NAV_ITEMS, type TNavItem } from "@/components/shell/nav-items";

const ICONS: Record<TNavItem["icon"], typeof Home> = {
  home: Home,
  teams: Users,
  pipelines: GitBranch,
  dora: Activity,
  exec: Gauge,
  map: Network,
  alarms: Bell,
  incidents: Siren,
  environments: Server,
  postmortems: BookOpen,
  settings: Settings,
};

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex flex-row gap-1 overflow-x-auto md:flex-col">
      {NAV_ITEMS.map((item) => {
        const Icon = ICONS[item.icon] ?? Boxes;
        const isActive = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={isActive ? "page" : undefined}
              className={cn(
                "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors",
                isActive
                  ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
                  : "text-zinc-700 hover:bg-zinc-200/70 dark:text-zinc-300 dark:hover:bg-zinc-800",
              )}
            >
              <Icon aria-hidden className="size-4 shrink-0" />
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
