import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

type TCell = unknown;

function encode(value: TCell): string {
  if (value === null || value === undefined) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  let text: string;
  if (typeof value === "string") text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === "string"))
    text = `{${(value as string[]).map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
  else text = JSON.stringify(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** Streams rows into a table with COPY (text format), in chunks, with backpressure. */
export async function copyRows<T>(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: string[],
  rows: Iterable<T>,
  toCells: (row: T) => TCell[],
): Promise<number> {
  let count = 0;
  function* lines(): Generator<string> {
    let chunk = "";
    for (const row of rows) {
      chunk += toCells(row).map(encode).join("\t") + "\n";
      count++;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  const sql = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
  await pipeline(Readable.from(lines()), client.query(copyFrom(sql)));
  return count;
}
