import type { Metadata } from "next";
import Link from "next/link";
import { OrgRoleSelect } from "@/components/settings/org-role-select";
import { Card, CardTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requireViewerWith } from "@/lib/auth/server/viewer";
import { findPeople } from "@/lib/users/server/find-people";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  await requireViewerWith("user.manage");
  const users = await findPeople();
  return (
    <Card>
      <CardTitle>People</CardTitle>
      <p className="mb-4 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Everyone who has signed in or been added. Viewers read everything the organisation shares; executives are viewers whose home is the executive dashboard; admins
        may change anything. Team roles (member, maintainer, approver) are set on each team&apos;s page.
      </p>
      <Table caption="People" columns={[{ label: "Person" }, { label: "Teams" }, { label: "Organisation role", align: "end" }]}>
        {users.map((u) => (
          <tr key={u.id}>
            <td className="py-2 pr-3">
              <span className="font-medium">{u.name}</span>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">{u.email}</span>
              <Link href={`/settings/audit?entityType=User&entityId=${u.id}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                History
              </Link>
            </td>
            <td className="py-2 pr-3 text-sm">
              {u.memberships.length === 0
                ? "—"
                : u.memberships.map((m, i) => (
                    <span key={m.team.slug}>
                      {i > 0 ? ", " : null}
                      <Link href={`/teams/${m.team.slug}`} className="hover:underline">
                        {m.team.name}
                      </Link>{" "}
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">({m.role.toLowerCase()})</span>
                    </span>
                  ))}
            </td>
            <td className="py-2 text-right">
              <OrgRoleSelect userId={u.id} name={u.name} orgRole={u.orgRole} />
            </td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}
