"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, ApiError } from "@/lib/api-client";
import { useApiAction } from "@/lib/use-api-action";

const ROLES = [
  { value: "MEMBER", label: "Member" },
  { value: "MAINTAINER", label: "Maintainer" },
  { value: "APPROVER", label: "Approver" },
] as const;

/** Admins add people to a team by email (they sign in with it later) or change their role. */
export function AddMemberForm({ teamSlug }: { teamSlug: string }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    await run(async () => {
      await apiFetch(`/api/teams/${teamSlug}/members`, { method: "PUT", json: { email: String(form.get("email") ?? "").trim(), role: String(form.get("role")) } });
      target.reset();
      router.refresh();
    });
  }
  return (
    <form onSubmit={submit} aria-label="Add or change a member" className="mt-4 space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <label className="block">
        <span className={labelClass}>Email</span>
        <input name="email" type="email" required className={inputClass} placeholder="name@example.com" />
      </label>
      <div className="flex items-end gap-2">
        <label className="flex-1">
          <span className={labelClass}>Role</span>
          <select name="role" className={inputClass} defaultValue="MEMBER">
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Saving…" : "Add"}
        </Button>
      </div>
      <FormError error={error} />
    </form>
  );
}

export function RemoveMemberButton({ teamSlug, userId, name }: { teamSlug: string; userId: number; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <ConfirmButton
        label="Remove"
        confirmLabel={`Remove ${name}`}
        busyLabel="Removing…"
        onConfirm={async () => {
          setError(null);
          try {
            await apiFetch(`/api/teams/${teamSlug}/members/${userId}`, { method: "DELETE" });
            router.refresh();
          } catch (e) {
            setError(e instanceof ApiError ? e.message : String(e));
          }
        }}
      />
      {error ? (
        <span role="alert" className="block text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </>
  );
}
