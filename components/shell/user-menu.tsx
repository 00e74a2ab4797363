"use client";

import { LogOut } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

const ROLE_LABEL = { ADMIN: "Admin", EXECUTIVE: "Executive", VIEWER: "Viewer" } as const;

export function UserMenu({ name, email, orgRole }: { name: string; email: string; orgRole: keyof typeof ROLE_LABEL }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).catch(() => undefined);
    router.replace("/sign-in");
    router.refresh();
  }
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="text-right leading-tight">
        <span className="block font-medium">{name}</span>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400" title={email}>
          {ROLE_LABEL[orgRole]}
        </span>
      </span>
      <button
        type="button"
        onClick={signOut}
        disabled={busy}
        className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 py-1.5 text-xs font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        <LogOut aria-hidden className="size-3.5" />
        {busy ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
