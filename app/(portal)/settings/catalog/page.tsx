import type { Metadata } from "next";
import { CatalogImportForm } from "@/components/settings/catalog-import-form";
import { Card, CardTitle } from "@/components/ui/card";
import { requireViewerWith } from "@/lib/auth/server/viewer";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Catalog import" };

export default async function CatalogImportPage() {
  await requireViewerWith("catalog.import");
  return (
    <Card>
      <CardTitle>Import a catalog-info.yaml</CardTitle>
      <p className="mb-4 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Backstage-compatible: Group, Component, System, API and Resource entities, with their owners, systems, dependencies and AWS annotations. The whole file is
        applied or none of it; importing the same file again changes nothing. URLs are fetched only from {env().catalogUrlHosts.join(", ")}.
      </p>
      <CatalogImportForm />
    </Card>
  );
}
