"use client";

import { CheckCircle2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type FormEvent } from "react";
import { SeverityBadge } from "@/components/incidents/incident-badges";
import { Badge } from "@/components/ui/badge";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api-client";
import { SEVERITIES, type TSeverity } from "@/lib/incidents/schemas";
import type { TPostmortemRule } from "@/lib/postmortems/schemas";
import type { TRuleTeam } from "@/lib/postmortems/server/find-postmortem-rule-table";
import { useApiAction } from "@/lib/use-api-action";

const SEVERITY_WORDS: Record<TSeverity, string> = { SEV1: "critical", SEV2: "major", SEV3: "minor", SEV4: "low" };

/** "SEV1 and SEV2" / "no severity". */
function severityList(severities: readonly TSeverity[]): string {
  if (severities.length === 0) return "no severity";
  if (severities.length === 1) return severities[0]!;
  return `${severities.slice(0, -1).join(", ")} and ${severities.at(-1)}`;
}

function Severities({ severities }: { severities: readonly TSeverity[] }) {
  if (severities.length === 0) return <span className="text-zinc-600 dark:text-zinc-400">None required</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {severities.map((s) => (
        <SeverityBadge key={s} severity={s} />
      ))}
    </span>
  );
}

/** The severities as checkboxes, in a fieldset named by its legend. */
function SeverityChoice({ legend, chosen, onChange, disabled }: { legend: string; chosen: readonly TSeverity[]; onChange: (next: TSeverity[]) => void; disabled?: boolean }) {
  return (
    <fieldset disabled={disabled} className="min-w-0">
      <legend className={labelClass}>{legend}</legend>
      <div className="flex flex-wrap gap-x-5 gap-y-2">
        {SEVERITIES.map((s) => (
          <label key={s} className="inline-flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4"
              checked={chosen.includes(s)}
              onChange={(e) => onChange(SEVERITIES.filter((x) => (x === s ? e.target.checked : chosen.includes(x))))}
            />
            {s} · {SEVERITY_WORDS[s]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** PUT /api/postmortem-rules, then the page rendered again with what is stored. */
function useSaveRule() {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  const save = async (rule: TPostmortemRule) => {
    const ok = await run(() => apiFetch("/api/postmortem-rules", { method: "PUT", json: rule }));
    if (ok) router.refresh();
    return ok;
  };
  return { busy, error, save };
}

function Saved({ children }: { children: string | null }) {
  return (
    <p role="status" className="flex items-center gap-1.5 text-sm text-emerald-800 empty:hidden dark:text-emerald-300">
      {children ? (
        <>
          <CheckCircle2 aria-hidden className="size-4 shrink-0" />
          {children}
        </>
      ) : null}
    </p>
  );
}

/** The organisation's rule: read by everyone, changed by admins. */
export function OrganisationRuleForm({ severities, mayEdit }: { severities: TSeverity[]; mayEdit: boolean }) {
  const { busy, error, save } = useSaveRule();
  const [chosen, setChosen] = useState<TSeverity[]>(severities);
  const [message, setMessage] = useState<string | null>(null);
  const isChanged = chosen.join() !== severities.join();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    if (await save({ teamId: null, severities: chosen })) setMessage(`Saved: incidents of ${severityList(chosen)} need a postmortem unless their team has its own rule.`);
  }

  return (
    <Card>
      <CardTitle>The organisation&apos;s rule</CardTitle>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Applies to every team without a rule of its own (or of a group above it). When an incident of one of these severities is resolved, Portside starts a draft
        postmortem for the incident&apos;s team.
      </p>
      {mayEdit ? (
        <form onSubmit={submit} aria-label="The organisation's rule" className="space-y-3">
          <SeverityChoice legend="Severities that require a postmortem" chosen={chosen} onChange={setChosen} disabled={busy} />
          {chosen.length === 0 ? <p className="text-sm text-amber-800 dark:text-amber-300">With none chosen, no incident requires a postmortem (people can still write one).</p> : null}
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" tone="primary" disabled={busy || !isChanged}>
              {busy ? "Saving…" : "Save the organisation's rule"}
            </Button>
            <Saved>{message}</Saved>
          </div>
          <FormError error={error} />
        </form>
      ) : (
        <div className="space-y-2 text-sm">
          <p className="flex flex-wrap items-center gap-2">
            <span className="text-zinc-700 dark:text-zinc-300">Requires a postmortem for</span>
            <Severities severities={severities} />
          </p>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Only admins change the organisation&apos;s rule.</p>
        </div>
      )}
    </Card>
  );
}

function followsText(from: TRuleTeam["from"]): string {
  return from.kind === "group" ? `follows ${from.name}` : from.kind === "organisation" ? "follows the organisation" : "its own rule";
}

/** One team's rule, edited in place: its own severities, or following its group or the organisation again. */
function TeamRuleForm({ team, onDone }: { team: TRuleTeam; onDone: (message: string | null) => void }) {
  const { busy, error, save } = useSaveRule();
  const [hasOwn, setHasOwn] = useState(team.own !== null);
  const [chosen, setChosen] = useState<TSeverity[]>(team.own ?? team.effective);
  const id = useId();
  const inherited = team.own === null ? followsText(team.from).replace(/^follows /, "") : "its group or the organisation";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = await save({ teamId: team.id, severities: hasOwn ? chosen : null });
    if (ok) onDone(hasOwn ? `Saved: ${team.name} requires a postmortem for ${severityList(chosen)}.` : `Saved: ${team.name} follows ${inherited} again.`);
  }

  return (
    <form onSubmit={submit} aria-label={`Rule for ${team.name}`} className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-700">
      <fieldset disabled={busy}>
        <legend className={labelClass}>Which rule applies to {team.name}</legend>
        <div className="flex flex-col gap-2 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={`${id}-kind`} className="size-4" checked={!hasOwn} onChange={() => setHasOwn(false)} />
            Follow {inherited}
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={`${id}-kind`} className="size-4" checked={hasOwn} onChange={() => setHasOwn(true)} />
            Its own rule
          </label>
        </div>
      </fieldset>
      {hasOwn ? <SeverityChoice legend={`Severities that require a postmortem in ${team.name}`} chosen={chosen} onChange={setChosen} disabled={busy} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Saving…" : "Save rule"}
        </Button>
        <Button onClick={() => onDone(null)} disabled={busy}>
          Cancel
        </Button>
      </div>
      <FormError error={error} />
    </form>
  );
}

/**
 * Teams and the rule that applies to each: their own, a group's above them,
 * or the organisation's. Team maintainers change their teams' rules, admins
 * every team's; everyone else reads.
 */
export function TeamRulesTable({ teams, editableTeamIds }: { teams: TRuleTeam[]; editableTeamIds: "all" | number[] }) {
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const filterId = useId();
  const mayEdit = (teamId: number) => editableTeamIds === "all" || editableTeamIds.includes(teamId);
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? teams.filter((t) => t.name.toLowerCase().includes(q) || t.slug.includes(q)) : teams;
  }, [teams, filter]);
  const ownCount = teams.filter((t) => t.own !== null).length;
  const anyEditable = editableTeamIds === "all" || editableTeamIds.length > 0;

  return (
    <Card>
      <CardTitle>Teams&apos; rules</CardTitle>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        A team can require postmortems for more or fewer severities than the organisation; the teams nested in a group follow the group&apos;s rule unless they have their
        own. {ownCount === 0 ? "No team has its own rule yet." : `${ownCount} team${ownCount === 1 ? " has its" : "s have their"} own rule.`}{" "}
        {anyEditable ? (editableTeamIds === "all" ? "As an admin you change any team's rule." : "You change the rules of the teams you maintain.") : "Team maintainers and admins change them."}
      </p>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div className="w-full max-w-xs">
          <label htmlFor={filterId} className={labelClass}>
            Find a team
          </label>
          <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} className={inputClass} />
        </div>
        <Saved>{message}</Saved>
      </div>
      {/* relative: the screen-reader-only texts inside are positioned absolutely, and must scroll with the table, not widen the page. */}
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[36rem] text-sm">
          <caption className="sr-only">Which incidents require a postmortem, by team</caption>
          <thead>
            <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              <th scope="col" className="py-2 pr-3 font-medium">Team</th>
              <th scope="col" className="py-2 pr-3 font-medium">Rule</th>
              <th scope="col" className="py-2 pr-3 font-medium">Requires a postmortem for</th>
              <th scope="col" className="py-2 text-right font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {shown.map((team) =>
              editing === team.id ? (
                <tr key={team.id}>
                  <td colSpan={4} className="py-3">
                    <TeamRuleForm
                      team={team}
                      onDone={(done) => {
                        setEditing(null);
                        setMessage(done);
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={team.id} data-testid={`rule-${team.slug}`}>
                  <th scope="row" className="py-2 pr-3 text-left font-medium">
                    <Link href={`/teams/${team.slug}`} className="text-sky-700 hover:underline dark:text-sky-400">
                      {team.name}
                    </Link>
                  </th>
                  <td className="py-2 pr-3">{team.own !== null ? <Badge tone="info">Own rule</Badge> : <span className="text-zinc-600 dark:text-zinc-400">{followsText(team.from)}</span>}</td>
                  <td className="py-2 pr-3">
                    <Severities severities={team.effective} />
                  </td>
                  <td className="py-2 text-right">
                    {mayEdit(team.id) ? (
                      <Button
                        className="text-xs"
                        disabled={editing !== null}
                        onClick={() => {
                          setMessage(null);
                          setEditing(team.id);
                        }}
                      >
                        Change<span className="sr-only"> the rule for {team.name}</span>
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        {shown.length === 0 ? <p className="py-3 text-sm text-zinc-600 dark:text-zinc-400">No team matches “{filter}”.</p> : null}
      </div>
    </Card>
  );
}
