"use client";

import { useSyncExternalStore } from "react";
import { useTheme } from "next-themes";
import { Monitor, Moon, Sun } from "lucide-react";

const CYCLE = ["system", "light", "dark"] as const;
const LABEL = { system: "System theme", light: "Light theme", dark: "Dark theme" } as const;

const subscribeNever = () => () => undefined;

export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  // The theme is known only in the browser: render the neutral label on the server.
  const isMounted = useSyncExternalStore(subscribeNever, () => true, () => false);
  const current = (isMounted && (theme as (typeof CYCLE)[number] | undefined)) || "system";
  const next = CYCLE[(CYCLE.indexOf(current) + 1) % CYCLE.length]!;
  const Icon = current === "dark" ? Moon : current === "light" ? Sun : Monitor;
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      className="inline-flex items-center gap-2 rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      aria-label={`${LABEL[current]} (switch to ${LABEL[next].toLowerCase()})`}
    >
      <Icon aria-hidden className="size-4" />
      <span className="hidden sm:inline">{LABEL[current]}</span>
    </button>
  );
}
