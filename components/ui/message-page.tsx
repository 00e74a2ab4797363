import Link from "next/link";
import type { ReactNode } from "react";

/** A centred message with a way back: 404, 403 and similar. */
export function MessagePage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">{children}</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 hover:underline dark:text-sky-400">Back to Home</Link>
    </div>
  );
}
