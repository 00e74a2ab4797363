"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { apiFetch, ApiError } from "@/lib/api-client";

export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <ConfirmButton
        label="Revoke"
        confirmLabel={`Revoke “${name}”`}
        busyLabel="Revoking…"
        onConfirm={async () => {
          setError(null);
          try {
            await apiFetch(`/api/tokens/${id}`, { method: "DELETE" });
            router.refresh();
          } catch (e) {
            setError(e instanceof ApiError ? e.message : String(e));
          }
        }}
      />
      {error ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </span>
  );
}
