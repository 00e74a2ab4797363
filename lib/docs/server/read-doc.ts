import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { log } from "@/lib/log";

/** The documents the portal serves from the repository's docs/ folder (a fixed list: no path from a request reaches the file system). */
const DOCS = { metrics: "metrics.md" } as const;
export type TDocName = keyof typeof DOCS;

/** A document's markdown, or null when the file is missing (a build without docs/). */
export async function readDoc({ name }: { name: TDocName }): Promise<string | null> {
  const file = path.join(process.cwd(), "docs", DOCS[name]);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    log.error({ err: error, doc: name }, "could not read a document");
    return null;
  }
}
