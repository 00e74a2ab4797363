import type { ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const text = (children: ReactNode): string =>
  typeof children === "string" || typeof children === "number"
    ? String(children)
    : Array.isArray(children)
      ? children.map(text).join("")
      : children && typeof children === "object" && "props" in children
        ? text((children.props as { children?: ReactNode }).children)
        : "";
/** Heading ids as GitHub makes them, so links to sections of the file work here too. */
const slug = (children: ReactNode) =>
  text(children)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s/g, "-");

const COMPONENTS: Components = {
  h1: ({ children }) => <h1 className="mb-4 text-2xl font-semibold tracking-tight">{children}</h1>,
  h2: ({ children }) => (
    <h2 id={slug(children)} className="mt-10 mb-3 scroll-mt-6 border-b border-zinc-200 pb-1 text-xl font-semibold dark:border-zinc-800">
      {children}
    </h2>
  ),
  h3: ({ children }) => (
    <h3 id={slug(children)} className="mt-6 mb-2 scroll-mt-6 text-base font-semibold">
      {children}
    </h3>
  ),
  h4: ({ children }) => <h4 className="mt-4 mb-2 text-sm font-semibold">{children}</h4>,
  p: ({ children }) => <p className="my-3 leading-relaxed">{children}</p>,
  ul: ({ children }) => <ul className="my-3 list-disc space-y-1 pl-6">{children}</ul>,
  ol: ({ children }) => <ol className="my-3 list-decimal space-y-1 pl-6">{children}</ol>,
  a: ({ href, children }) =>
    // Links into the repository (../lib/…) mean nothing in the portal: keep their text.
    href && (/^https?:\/\//.test(href) || href.startsWith("#")) ? (
      <a href={href} className="text-sky-700 underline dark:text-sky-400" rel="noreferrer">
        {children}
      </a>
    ) : (
      <span className="font-medium">{children}</span>
    ),
  code: ({ children, className }) =>
    className ? (
      <code className={className}>{children}</code>
    ) : (
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800">{children}</code>
    ),
  pre: ({ children }) => <pre className="my-4 overflow-x-auto rounded-lg bg-zinc-100 p-4 font-mono text-xs leading-relaxed dark:bg-zinc-950">{children}</pre>,
  blockquote: ({ children }) => <blockquote className="my-4 border-l-4 border-zinc-300 pl-4 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">{children}</blockquote>,
  table: ({ children }) => (
    <div className="my-4 overflow-x-auto">
      <table className="w-full border-collapse text-sm">{children}</table>
    </div>
  ),
  th: ({ children }) => <th className="border-b border-zinc-300 px-3 py-2 text-left font-semibold dark:border-zinc-700">{children}</th>,
  td: ({ children }) => <td className="border-b border-zinc-100 px-3 py-2 align-top dark:border-zinc-800">{children}</td>,
  hr: () => <hr className="my-8 border-zinc-200 dark:border-zinc-800" />,
};

/** Markdown from the repository's docs, rendered on the server in the portal's own type (no raw HTML passes through). */
export function Markdown({ source }: { source: string }) {
  return (
    <ReactMarkdown remarkPlugins={[remarkGfm]} components={COMPONENTS}>
      {source}
    </ReactMarkdown>
  );
}
