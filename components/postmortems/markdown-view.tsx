import type { ReactNode } from "react";
import ReactMarkdown, { type Components, type UrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * The only URLs a postmortem's Markdown may carry: absolute http(s) links and
 * mailto. Everything else (javascript:, data:, vbscript:, relative paths that a
 * browser could resolve to something else) is dropped, and the link's text is
 * shown without a link. Image sources are dropped too: see `img` below.
 */
export const postmortemUrlTransform: UrlTransform = (url, key) => {
  if (key !== "href") return null;
  try {
    const { protocol } = new URL(url);
    return protocol === "http:" || protocol === "https:" || protocol === "mailto:" ? url : null;
  } catch {
    return null;
  }
};

// Headings inside a section sit under the section's own h2.
const COMPONENTS: Components = {
  h1: ({ children }) => <h3 className="mt-4 mb-2 text-base font-semibold">{children}</h3>,
  h2: ({ children }) => <h3 className="mt-4 mb-2 text-base font-semibold">{children}</h3>,
  h3: ({ children }) => <h4 className="mt-3 mb-1.5 text-sm font-semibold">{children}</h4>,
  h4: ({ children }) => <h5 className="mt-3 mb-1 text-sm font-semibold">{children}</h5>,
  h5: ({ children }) => <h6 className="mt-3 mb-1 text-sm font-medium">{children}</h6>,
  h6: ({ children }) => <h6 className="mt-3 mb-1 text-sm font-medium">{children}</h6>,
  p: ({ children }) => <p className="my-2 leading-relaxed">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc space-y-1 pl-6">{children}</ul>,
  ol: ({ children }) => <ol className="my-2 list-decimal space-y-1 pl-6">{children}</ol>,
  a: ({ href, children }) =>
    href ? (
      <a href={href} className="text-sky-700 underline dark:text-sky-400" target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // Images are never loaded: an image from any address would tell its host who read the postmortem and when
  // (and the portal's CSP refuses other origins anyway). Its description is shown instead.
  img: ({ alt }) => <span className="rounded bg-zinc-100 px-1 text-zinc-700 italic dark:bg-zinc-800 dark:text-zinc-300">[image{alt ? `: ${alt}` : ""}]</span>,
  code: ({ children, className }) =>
    className ? (
      <code className={className}>{children}</code>
    ) : (
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800">{children}</code>
    ),
  pre: ({ children }) => <pre className="my-3 overflow-x-auto rounded-lg bg-zinc-100 p-3 font-mono text-xs leading-relaxed dark:bg-zinc-950">{children}</pre>,
  blockquote: ({ children }) => <blockquote className="my-3 border-l-4 border-zinc-300 pl-4 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">{children}</blockquote>,
  table: ({ children }) => (
    <div className="my-3 overflow-x-auto">
      <table className="w-full border-collapse text-sm">{children}</table>
    </div>
  ),
  th: ({ children }) => <th className="border-b border-zinc-300 px-3 py-1.5 text-left font-semibold dark:border-zinc-700">{children}</th>,
  td: ({ children }) => <td className="border-b border-zinc-100 px-3 py-1.5 align-top dark:border-zinc-800">{children}</td>,
  hr: () => <hr className="my-4 border-zinc-200 dark:border-zinc-800" />,
};

/**
 * A postmortem's Markdown as the portal renders it, on the server or in the
 * editor's preview. Raw HTML is never interpreted (no rehype-raw: `<script>`
 * shows as text), links are limited by `postmortemUrlTransform`, images show
 * their alt text. Nothing written in a postmortem can run script.
 */
export function MarkdownView({ source, empty }: { source: string; empty?: ReactNode }) {
  if (!source.trim()) return <>{empty ?? null}</>;
  return (
    <div className="text-sm break-words">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={COMPONENTS} urlTransform={postmortemUrlTransform}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
