import type { TPostmortemSnippet } from "@/lib/postmortems/server/find-postmortems";

/**
 * Where the search words appear: plain text from the server with the matched
 * ranges, marked up here as React text and <mark> elements (never as HTML
 * from the database).
 */
export function SearchSnippet({ snippet }: { snippet: TPostmortemSnippet }) {
  const parts: { text: string; isMatch: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...snippet.matches].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) parts.push({ text: snippet.text.slice(at, start), isMatch: false });
    parts.push({ text: snippet.text.slice(start, end), isMatch: true });
    at = end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), isMatch: false });
  return (
    <p className="mt-1 line-clamp-3 text-xs text-zinc-600 dark:text-zinc-400">
      {parts.map((p, i) =>
        p.isMatch ? (
          <mark key={i} className="rounded-sm bg-amber-100 px-0.5 font-medium text-zinc-900 dark:bg-amber-900/60 dark:text-zinc-100">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </p>
  );
}
