import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";

/** An area whose feature has not shipped: it says so, and shows no invented data. */
export function NotBuilt({ title, summary, bullets }: { title: string; summary: string; bullets: string[] }) {
  return (
    <>
      <PageHeader title={title} description={summary} />
      <Card>
        <p className="inline-flex items-center rounded-full bg-amber-50 px-3 py-1 text-sm font-medium text-amber-900 ring-1 ring-amber-300 ring-inset dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800">
          Not built yet
        </p>
        <p className="mt-4 text-sm text-zinc-700 dark:text-zinc-300">
          This area has not shipped, so it shows nothing rather than made-up figures. When it lands it will give you:
        </p>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-zinc-700 dark:text-zinc-300">
          {bullets.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      </Card>
    </>
  );
}
