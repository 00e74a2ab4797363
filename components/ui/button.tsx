import type { ButtonHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

const TONES = {
  primary: "bg-sky-700 text-white hover:bg-sky-800",
  neutral: "border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800",
  danger: "bg-red-700 text-white hover:bg-red-800",
} as const;

export function Button({ tone = "neutral", className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: keyof typeof TONES }) {
  return (
    <button
      type="button"
      {...props}
      className={cn("inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-60", TONES[tone], className)}
    />
  );
}

export const inputClass = "w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
export const labelClass = "mb-1 block text-xs font-medium text-zinc-700 dark:text-zinc-300";
