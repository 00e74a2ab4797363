"use client";

import { Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import { downloadText } from "@/components/dora/download";

/** Downloads figures the server already shaped as CSV (the page's own numbers, nothing recomputed). */
export function CsvButton({ filename, csv, label }: { filename: string; csv: string; label: string }) {
  return (
    <Button onClick={() => downloadText(filename, csv)}>
      <Download aria-hidden className="size-4" />
      {label}
    </Button>
  );
}
