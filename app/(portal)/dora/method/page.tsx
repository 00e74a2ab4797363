import type { Metadata } from "next";
import Link from "next/link";
import { Markdown } from "@/components/docs/markdown";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireViewer } from "@/lib/auth/server/viewer";
import { readDoc } from "@/lib/docs/server/read-doc";

export const metadata: Metadata = { title: "How the DORA metrics are computed" };

/** docs/metrics.md, the one statement of the rules, served where the figures are. */
export default async function DoraMethodPage() {
  await requireViewer();
  const source = await readDoc({ name: "metrics" });
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/dora" className="hover:underline">
          DORA metrics
        </Link>
        {" / "}How they are computed
      </nav>
      {source === null ? (
        <>
          <h1 className="mb-6 text-2xl font-semibold tracking-tight">How the DORA metrics are computed</h1>
          <EmptyState title="The rules document is missing from this build">
            The portal reads <code className="font-mono">docs/metrics.md</code> from its installation; this one has none.
          </EmptyState>
        </>
      ) : (
        <Card className="max-w-4xl px-8 py-6 text-sm text-zinc-800 dark:text-zinc-200">
          <article>
            <Markdown source={source} />
          </article>
        </Card>
      )}
    </>
  );
}
