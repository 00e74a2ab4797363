import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { OrganisationRuleForm, TeamRulesTable } from "@/components/postmortems/postmortem-rules-editor";
import { holdsEverywhere, teamsHolding } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findPostmortemRuleTable } from "@/lib/postmortems/server/find-postmortem-rule-table";

export const metadata: Metadata = { title: "Postmortem rules" };

/**
 * When an incident requires a postmortem: the organisation's rule and the
 * teams' own. Everyone reads them; admins change any, team maintainers their
 * teams' (permission postmortem.rules), through PUT /api/postmortem-rules.
 */
export default async function PostmortemRulesPage() {
  await connection();
  const viewer = await requireViewer();
  const isOrgWide = holdsEverywhere(viewer, "postmortem.rules");
  const table = await findPostmortemRuleTable();
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        A draft postmortem is started for the incident&apos;s team when an incident resolves (or is raised to such a severity after it resolved) and the rule that
        applies to its team requires one. Anyone can still start a postmortem by hand, or an approver can mark a drafted one not required, with a reason. See{" "}
        <Link href="/postmortems" className="text-sky-700 underline dark:text-sky-400">
          all postmortems
        </Link>
        .
      </p>
      <OrganisationRuleForm severities={table.organisation} mayEdit={isOrgWide} />
      <TeamRulesTable teams={table.teams} editableTeamIds={isOrgWide ? "all" : teamsHolding(viewer, "postmortem.rules")} />
    </div>
  );
}
