import type { TApiProblem } from "@/lib/api-client";

/** An API error as a form shows it: the message, then each problem with its field or line. */
export function FormError({ error }: { error: { message: string; problems?: TApiProblem[] } | null }) {
  if (!error) return null;
  return (
    <div role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <p>{error.message}</p>
      {error.problems && error.problems.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {error.problems.map((p, i) => (
            <li key={i}>
              {p.line !== undefined ? <span className="font-mono">line {p.line}: </span> : p.path ? <span className="font-mono">{p.path}: </span> : null}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
