import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table } from "@/components/ui/table";
import { findAuditEvents } from "@/lib/audit/server/find-audit-events";
import { requireViewerWith } from "@/lib/auth/server/viewer";

export const metadata: Metadata = { title: "Audit log" };

type TSearch = { action?: string; entityType?: string; entityId?: string; before?: string };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.slice(0, 200) || undefined;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewerWith("audit.read");
  const raw = await searchParams;
  const filters: TSearch = { action: first(raw.action), entityType: first(raw.entityType), entityId: first(raw.entityId), before: first(raw.before) };
  const before = filters.before && /^\d+$/.test(filters.before) ? Number(filters.before) : undefined;
  const { events, nextBefore, actions, entityTypes } = await findAuditEvents({ ...filters, before });
  const older = nextBefore ? `/settings/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([k, v]) => v && k !== "before")), before: String(nextBefore) })}` : null;
  const select = "rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";
  return (
    <>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">Every change a person, a token or the system made: who, what, when, before and after, from where. Append-only.</p>
      <form action="/settings/audit" className="mb-6 flex flex-wrap items-end gap-3" aria-label="Filter the audit log">
        <label className="text-sm">
          <span className="mb-1 block text-xs text-zinc-600 dark:text-zinc-400">Action</span>
          <select name="action" defaultValue={filters.action ?? ""} className={select}>
            <option value="">Any action</option>
            {actions.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-xs text-zinc-600 dark:text-zinc-400">Object</span>
          <select name="entityType" defaultValue={filters.entityType ?? ""} className={select}>
            <option value="">Any object</option>
            {entityTypes.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-xs text-zinc-600 dark:text-zinc-400">Object id</span>
          <input name="entityId" defaultValue={filters.entityId ?? ""} className={select} />
        </label>
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">Filter</button>
        <Link href="/settings/audit" className="py-2 text-sm text-sky-700 hover:underline dark:text-sky-400">Clear</Link>
      </form>
      {events.length === 0 ? (
        <EmptyState title="Nothing in the audit log matches" />
      ) : (
        <Card className="p-0">
          <Table caption="Audit events, newest first" isPadded columns={[{ label: "When (UTC)" }, { label: "Who" }, { label: "What" }, { label: "Object" }, { label: "Change" }]}>
              {events.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="px-4 py-2 whitespace-nowrap tabular-nums">{e.at.toISOString().slice(0, 19).replace("T", " ")}</td>
                  <td className="px-4 py-2">
                    {e.actor}
                    {e.ip ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">from {e.ip}</span> : null}
                  </td>
                  <td className="px-4 py-2"><Badge>{e.action}</Badge></td>
                  <td className="px-4 py-2">
                    <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/settings/audit?${new URLSearchParams({ entityType: e.entityType, entityId: e.entityId })}`}>
                      {e.entityType} {e.entityId}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    {e.before || e.after ? (
                      <details>
                        <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">Before / after</summary>
                        <pre className="mt-1 max-w-md overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-800">{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                      </details>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
          </Table>
        </Card>
      )}
      {older ? (
        <p className="mt-4">
          <Link href={older} className="text-sm text-sky-700 hover:underline dark:text-sky-400">Older events →</Link>
        </p>
      ) : null}
    </>
  );
}
