/** What a DORA dashboard shows while its figures load: the shape of the page, no numbers. */
export function DashboardSkeleton({ title, variant = "tiles" }: { title: string; variant?: "tiles" | "table" }) {
  const block = "rounded-xl bg-zinc-200 dark:bg-zinc-800";
  return (
    <div role="status" aria-live="polite">
      <span className="sr-only">Loading {title}…</span>
      <div aria-hidden className="animate-pulse space-y-6">
        <div className="space-y-2">
          <div className="h-7 w-64 rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-4 w-[28rem] max-w-full rounded bg-zinc-200 dark:bg-zinc-800" />
        </div>
        <div className="flex gap-3">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-9 w-40 rounded-md bg-zinc-200 dark:bg-zinc-800" />
          ))}
        </div>
        {variant === "tiles" ? (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
            {[0, 1, 2, 3, 4].map((i) => (
              <div key={i} className={`h-64 ${block}`} />
            ))}
          </div>
        ) : (
          <div className={`h-[28rem] ${block}`} />
        )}
        <div className="grid gap-6 lg:grid-cols-2">
          <div className={`h-56 ${block}`} />
          <div className={`h-56 ${block}`} />
        </div>
      </div>
    </div>
  );
}
