"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch, ApiError } from "@/lib/api-client";

const ROLES = [
  { value: "VIEWER", label: "Viewer" },
  { value: "EXECUTIVE", label: "Executive" },
  { value: "ADMIN", label: "Admin" },
] as const;

/** Changes someone's organisation role as soon as it is picked; audited on the server. */
export function OrgRoleSelect({ userId, name, orgRole }: { userId: number; name: string; orgRole: string }) {
  const router = useRouter();
  const [value, setValue] = useState(orgRole);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <select
        aria-label={`Organisation role of ${name}`}
        value={value}
        disabled={state.busy}
        onChange={async (e) => {
          const next = e.target.value;
          const previous = value;
          setValue(next);
          setState({ busy: true, error: null });
          try {
            await apiFetch(`/api/users/${userId}`, { method: "PATCH", json: { orgRole: next } });
            setState({ busy: false, error: null });
            router.refresh();
          } catch (error) {
            setValue(previous);
            setState({ busy: false, error: error instanceof ApiError ? error.message : String(error) });
          }
        }}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {state.error ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}
