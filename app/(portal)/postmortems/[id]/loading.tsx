/** The postmortem page's shape while it loads: header, milestones, timeline, sections. */
export default function Loading() {
  const block = "rounded-xl bg-zinc-200 dark:bg-zinc-800";
  return (
    <div role="status" aria-live="polite">
      <span className="sr-only">Loading the postmortem…</span>
      <div aria-hidden className="animate-pulse space-y-6">
        <div className="space-y-2">
          <div className="h-4 w-48 rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-8 w-[32rem] max-w-full rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-4 w-80 max-w-full rounded bg-zinc-200 dark:bg-zinc-800" />
        </div>
        <div className={`h-48 ${block}`} />
        <div className={`h-72 ${block}`} />
        <div className={`h-[32rem] ${block}`} />
      </div>
    </div>
  );
}
