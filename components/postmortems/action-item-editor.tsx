"use client";

import { TriangleAlert } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/form-error";
import { Table } from "@/components/ui/table";
import { apiFetch } from "@/lib/api-client";
import {
  ACTION_ITEM_PRIORITIES,
  ACTION_ITEM_PRIORITY_LABELS,
  ACTION_ITEM_STATUS_LABELS,
  ACTION_ITEM_STATUSES,
  ACTION_ITEM_TYPE_LABELS,
  ACTION_ITEM_TYPES,
  DUE_DAYS_BY_PRIORITY,
  defaultDueAt,
  type TActionItemCreate,
  type TActionItemPatch,
  type TActionItemPriority,
  type TActionItemStatus,
  type TActionItemType,
} from "@/lib/postmortems/schemas";
import type { TActionItemView, TPersonRef } from "@/lib/postmortems/view";
import { safeHref } from "@/lib/schemas";
import { useApiAction } from "@/lib/use-api-action";

const COLUMNS = [{ label: "Action" }, { label: "Owner" }, { label: "Type" }, { label: "Priority" }, { label: "Due" }, { label: "Status" }, { label: "Ticket" }, { label: "Change" }];
const cellInput = cn(inputClass, "min-w-28 px-2 py-1");

/** A ticket link as stored: linked when it is http(s) or mailto, else shown as text (never a javascript: link). */
function TicketLink({ url }: { url: string | null }) {
  if (!url) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const href = safeHref(url);
  if (!href) return <span className="break-all">{url}</span>;
  let label = url;
  try {
    const parsed = new URL(href);
    label = parsed.protocol === "mailto:" ? parsed.pathname : `${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
  } catch {
    // safeHref parsed it already; keep the URL as its own label.
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="text-sky-700 underline dark:text-sky-400">
      {label.length > 40 ? `${label.slice(0, 39)}…` : label}
    </a>
  );
}

function DueCell({ item }: { item: TActionItemView }) {
  if (!item.dueDate) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <span className={cn("whitespace-nowrap tabular-nums", item.isOverdue && "font-semibold text-red-800 dark:text-red-300")}>
      {item.dueDate}
      {item.isOverdue ? (
        <span className="ml-1 inline-flex items-center gap-0.5">
          <TriangleAlert aria-hidden className="size-3.5" />
          overdue
        </span>
      ) : null}
    </span>
  );
}

function ActionItemRow({ item, members, mayWrite, isOwner }: { item: TActionItemView; members: TPersonRef[]; mayWrite: boolean; isOwner: boolean }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const [isEditing, setIsEditing] = useState(false);
  const [title, setTitle] = useState(item.title);
  const [ownerId, setOwnerId] = useState(item.owner ? String(item.owner.id) : "");
  const [type, setType] = useState<TActionItemType>(item.type);
  const [priority, setPriority] = useState<TActionItemPriority>(item.priority);
  const [dueDate, setDueDate] = useState(item.dueDate ?? "");
  const [status, setStatus] = useState<TActionItemStatus>(item.status);
  const [reason, setReason] = useState(item.statusReason ?? "");
  const [ticketUrl, setTicketUrl] = useState(item.ticketUrl ?? "");
  const formId = useId();
  const canEditAll = mayWrite;

  function start() {
    setTitle(item.title);
    setOwnerId(item.owner ? String(item.owner.id) : "");
    setType(item.type);
    setPriority(item.priority);
    setDueDate(item.dueDate ?? "");
    setStatus(item.status);
    setReason(item.statusReason ?? "");
    setTicketUrl(item.ticketUrl ?? "");
    setIsEditing(true);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const patch: TActionItemPatch = { version: item.version };
    if (canEditAll) {
      if (title.trim() !== item.title) patch.title = title.trim();
      const owner = ownerId ? Number(ownerId) : null;
      if (owner !== (item.owner?.id ?? null)) patch.ownerId = owner;
      if (type !== item.type) patch.type = type;
      if (priority !== item.priority) patch.priority = priority;
      if ((dueDate || null) !== item.dueDate) patch.dueDate = dueDate || null;
      if ((ticketUrl.trim() || null) !== item.ticketUrl) patch.ticketUrl = ticketUrl.trim() || null;
    }
    if (status !== item.status) patch.status = status;
    if (status === "WONT_DO" && reason.trim() !== (item.statusReason ?? "")) patch.statusReason = reason.trim();
    if (Object.keys(patch).length === 1) {
      setIsEditing(false);
      return;
    }
    const ok = await run(() => apiFetch(`/api/action-items/${item.id}`, { method: "PATCH", json: patch }));
    if (ok) setIsEditing(false);
    router.refresh();
  }

  if (!isEditing) {
    return (
      <tr className={cn(item.isOverdue && "bg-red-50/60 dark:bg-red-950/30")}>
        <td className="min-w-48 py-2 pr-3 align-top">
          <span className="break-words">{item.title}</span>
          {item.status === "WONT_DO" && item.statusReason ? <span className="block text-xs text-zinc-600 dark:text-zinc-400">Won&apos;t do: {item.statusReason}</span> : null}
        </td>
        <td className="py-2 pr-3 align-top whitespace-nowrap">{item.owner?.name ?? <span className="text-zinc-600 dark:text-zinc-400">Nobody yet</span>}</td>
        <td className="py-2 pr-3 align-top">{ACTION_ITEM_TYPE_LABELS[item.type]}</td>
        <td className="py-2 pr-3 align-top whitespace-nowrap">{item.priority}</td>
        <td className="py-2 pr-3 align-top">
          <DueCell item={item} />
        </td>
        <td className="py-2 pr-3 align-top whitespace-nowrap">{ACTION_ITEM_STATUS_LABELS[item.status]}</td>
        <td className="py-2 pr-3 align-top whitespace-nowrap">
          <TicketLink url={item.ticketUrl} />
        </td>
        <td className="py-2 align-top">
          {mayWrite || isOwner ? (
            // relative: the screen-reader text inside stays in the table's scrolling box (else it widens the page).
            <Button className="relative px-2 py-1 text-xs print:hidden" onClick={start}>
              Edit<span className="sr-only"> {item.title}</span>
            </Button>
          ) : null}
        </td>
      </tr>
    );
  }

  const label = (what: string) => `${what} of “${item.title}”`;
  return (
    <>
      <tr className="bg-sky-50/50 dark:bg-sky-950/20">
        <td className="py-2 pr-2 align-top">
          {canEditAll ? (
            <input form={formId} aria-label={label("Title")} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} className={cn(cellInput, "min-w-48")} />
          ) : (
            item.title
          )}
        </td>
        <td className="py-2 pr-2 align-top">
          {canEditAll ? (
            <select form={formId} aria-label={label("Owner")} value={ownerId} onChange={(e) => setOwnerId(e.target.value)} className={cellInput}>
              <option value="">Nobody yet</option>
              {members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          ) : (
            (item.owner?.name ?? "Nobody yet")
          )}
        </td>
        <td className="py-2 pr-2 align-top">
          {canEditAll ? (
            <select form={formId} aria-label={label("Type")} value={type} onChange={(e) => setType(e.target.value as TActionItemType)} className={cellInput}>
              {ACTION_ITEM_TYPES.map((t) => (
                <option key={t} value={t}>
                  {ACTION_ITEM_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          ) : (
            ACTION_ITEM_TYPE_LABELS[item.type]
          )}
        </td>
        <td className="py-2 pr-2 align-top">
          {canEditAll ? (
            <select form={formId} aria-label={label("Priority")} value={priority} onChange={(e) => setPriority(e.target.value as TActionItemPriority)} className={cn(cellInput, "min-w-20")}>
              {ACTION_ITEM_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          ) : (
            item.priority
          )}
        </td>
        <td className="py-2 pr-2 align-top">
          {canEditAll ? <input form={formId} type="date" aria-label={label("Due date")} value={dueDate} onChange={(e) => setDueDate(e.target.value)} className={cellInput} /> : <DueCell item={item} />}
        </td>
        <td className="py-2 pr-2 align-top">
          <select form={formId} aria-label={label("Status")} value={status} onChange={(e) => setStatus(e.target.value as TActionItemStatus)} className={cellInput}>
            {ACTION_ITEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {ACTION_ITEM_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          {status === "WONT_DO" ? (
            <input
              form={formId}
              aria-label={`Why “${item.title}” will not be done`}
              placeholder="Why not?"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required
              maxLength={2000}
              className={cn(cellInput, "mt-1 min-w-40")}
            />
          ) : null}
        </td>
        <td className="py-2 pr-2 align-top">
          {canEditAll ? (
            <input form={formId} type="url" aria-label={label("Ticket link")} placeholder="https://…" value={ticketUrl} onChange={(e) => setTicketUrl(e.target.value)} maxLength={2000} className={cn(cellInput, "min-w-40")} />
          ) : (
            <TicketLink url={item.ticketUrl} />
          )}
        </td>
        <td className="py-2 align-top">
          <form id={formId} onSubmit={save} aria-label={label("Edit")} className="flex gap-1">
            <Button type="submit" tone="primary" className="px-2 py-1 text-xs" disabled={busy}>
              Save
            </Button>
            <Button className="px-2 py-1 text-xs" onClick={() => setIsEditing(false)} disabled={busy}>
              Cancel
            </Button>
          </form>
        </td>
      </tr>
      {error ? (
        <tr>
          <td colSpan={COLUMNS.length} className="pb-2">
            <FormError error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AddActionItemForm({ postmortemId, members, today }: { postmortemId: number; members: TPersonRef[]; today: string }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const [title, setTitle] = useState("");
  const [ownerId, setOwnerId] = useState("");
  const [type, setType] = useState<TActionItemType>("PREVENT");
  const [priority, setPriority] = useState<TActionItemPriority>("P3");
  const [dueDate, setDueDate] = useState("");
  const [ticketUrl, setTicketUrl] = useState("");
  const ids = { title: useId(), owner: useId(), type: useId(), priority: useId(), due: useId(), ticket: useId() };
  const defaultDue = defaultDueAt(priority, new Date(today)).toISOString().slice(0, 10);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body: TActionItemCreate = {
      title: title.trim(),
      ownerId: ownerId ? Number(ownerId) : null,
      type,
      priority,
      ...(dueDate ? { dueDate } : {}),
      ticketUrl: ticketUrl.trim() || null,
    };
    const ok = await run(() => apiFetch(`/api/postmortems/${postmortemId}/action-items`, { method: "POST", json: body }));
    if (ok) {
      setTitle("");
      setDueDate("");
      setTicketUrl("");
      router.refresh();
    }
  }

  return (
    <form onSubmit={submit} aria-label="Add an action item" className="mt-4 grid gap-3 border-t border-zinc-200 pt-4 sm:grid-cols-2 lg:grid-cols-3 print:hidden dark:border-zinc-800">
      <div className="sm:col-span-2 lg:col-span-3">
        <label htmlFor={ids.title} className={labelClass}>
          New action item
        </label>
        <input id={ids.title} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} placeholder="e.g. Alarm on checkout p99 latency above 800 ms" className={inputClass} />
      </div>
      <div>
        <label htmlFor={ids.owner} className={labelClass}>
          Owner
        </label>
        <select id={ids.owner} value={ownerId} onChange={(e) => setOwnerId(e.target.value)} className={inputClass}>
          <option value="">Nobody yet</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.type} className={labelClass}>
          Type
        </label>
        <select id={ids.type} value={type} onChange={(e) => setType(e.target.value as TActionItemType)} className={inputClass}>
          {ACTION_ITEM_TYPES.map((t) => (
            <option key={t} value={t}>
              {ACTION_ITEM_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.priority} className={labelClass}>
          Priority
        </label>
        <select id={ids.priority} value={priority} onChange={(e) => setPriority(e.target.value as TActionItemPriority)} className={inputClass}>
          {ACTION_ITEM_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {ACTION_ITEM_PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.due} className={labelClass}>
          Due date
        </label>
        <input id={ids.due} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} aria-describedby={`${ids.due}-hint`} className={inputClass} />
        <p id={`${ids.due}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Empty: {defaultDue} ({DUE_DAYS_BY_PRIORITY[priority]} days for {priority}).
        </p>
      </div>
      <div>
        <label htmlFor={ids.ticket} className={labelClass}>
          Ticket link (optional)
        </label>
        <input id={ids.ticket} type="url" value={ticketUrl} onChange={(e) => setTicketUrl(e.target.value)} maxLength={2000} placeholder="https://…" className={inputClass} />
      </div>
      <div className="flex items-start sm:pt-5">
        <Button type="submit" tone="primary" disabled={busy || !title.trim()}>
          {busy ? "Adding…" : "Add action item"}
        </Button>
      </div>
      <div className="empty:hidden sm:col-span-2 lg:col-span-3">
        <FormError error={error} />
      </div>
    </form>
  );
}

/**
 * The postmortem's follow-ups: a table edited in place (owner from the team,
 * type, priority, due date defaulting from the priority, status with a reason
 * for won't-do, ticket link) and a form to add one. Action items outlive the
 * document: they can be changed in any state, by the team's writers, and their
 * status by their owner. Overdue ones say so in words, not colour alone.
 */
export function ActionItemEditor({
  postmortemId,
  items,
  members,
  mayWrite,
  viewerId,
  today,
}: {
  postmortemId: number;
  items: TActionItemView[];
  members: TPersonRef[];
  mayWrite: boolean;
  viewerId: number | null;
  /** Now, as the server rendered the page (the add form's default due date). */
  today: string;
}) {
  const overdue = items.filter((i) => i.isOverdue).length;
  return (
    <div data-action-items>
      {items.length === 0 ? (
        <EmptyState title="No action items yet">{mayWrite ? "Add what should change so this does not happen again, or is found and fixed sooner." : null}</EmptyState>
      ) : (
        <>
          {overdue > 0 ? (
            <p className="mb-2 inline-flex items-center gap-1 text-sm font-medium text-red-800 dark:text-red-300">
              <TriangleAlert aria-hidden className="size-4" />
              {overdue} overdue
            </p>
          ) : null}
          <Table caption="Action items" columns={COLUMNS}>
            {items.map((item) => (
              <ActionItemRow key={`${item.id}:${item.version}`} item={item} members={members} mayWrite={mayWrite} isOwner={viewerId !== null && item.owner?.id === viewerId} />
            ))}
          </Table>
        </>
      )}
      {mayWrite ? <AddActionItemForm postmortemId={postmortemId} members={members} today={today} /> : null}
    </div>
  );
}
