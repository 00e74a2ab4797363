import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ServiceMap } from "@/components/servicemap/service-map";
import { inputClass, labelClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { ZServiceMapQuerySchema, type TServiceMapQuery } from "@/lib/servicemap/schemas";
import { getServiceMap } from "@/lib/servicemap/server/get-service-map";
import { mapFilterOptions } from "@/lib/servicemap/server/map-filter-options";
import { WINDOW_LABELS, WINDOW_PRESETS } from "@/lib/servicemap/window";

export const metadata: Metadata = { title: "Service map" };

export default async function ServiceMapPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = ZServiceMapQuerySchema.safeParse(raw);
  // A bad parameter in a hand-edited URL falls back to the defaults rather than an error page.
  const query: TServiceMapQuery = parsed.success ? parsed.data : ZServiceMapQuerySchema.parse({});
  const [initial, options] = await Promise.all([getServiceMap(query), mapFilterOptions()]);
  const shown = new Date(initial.window.from).toISOString().slice(0, 16).replace("T", " ");
  const until = new Date(initial.window.to).toISOString().slice(0, 16).replace("T", " ");
  return (
    <>
      <PageHeader
        title="Service map"
        description={`The X-Ray service graph of your AWS accounts: who calls whom, how much, how fast, and what fails. ${shown} – ${until} UTC.`}
        actions={<Link href="/settings/sync" className="text-sm text-sky-700 hover:underline dark:text-sky-400">Sync status</Link>}
      />
      <form action="/service-map" className="mb-5 grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1fr_1fr_auto] lg:items-end" aria-label="Map window and filters">
        <label>
          <span className={labelClass}>Window</span>
          <select name="window" defaultValue={query.window} className={inputClass}>
            {Object.keys(WINDOW_PRESETS).map((w) => (
              <option key={w} value={w}>
                {WINDOW_LABELS[w as keyof typeof WINDOW_LABELS]}
              </option>
            ))}
            <option value="custom">Custom (UTC)</option>
          </select>
        </label>
        <label>
          <span className={labelClass}>From (custom, UTC)</span>
          <input type="datetime-local" name="from" defaultValue={query.from?.slice(0, 16) ?? ""} className={inputClass} />
        </label>
        <label>
          <span className={labelClass}>To (custom, UTC)</span>
          <input type="datetime-local" name="to" defaultValue={query.to?.slice(0, 16) ?? ""} className={inputClass} />
        </label>
        <label>
          <span className={labelClass}>Team</span>
          <select name="team" defaultValue={query.team ?? ""} className={inputClass}>
            <option value="">All teams</option>
            {options.teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className={labelClass}>X-Ray group</span>
          <select name="group" defaultValue={query.group} className={inputClass}>
            {initial.groups.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
          Show
        </button>
      </form>
      {!parsed.success ? <p className="mb-4 text-sm text-red-700 dark:text-red-400">Some of the map&apos;s parameters were not valid and were reset: {parsed.error.issues.map((i) => i.message).join("; ")}.</p> : null}
      <ServiceMap initial={initial} query={query} />
    </>
  );
}
