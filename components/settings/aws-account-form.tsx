"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, inputClass, labelClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, ApiError } from "@/lib/api-client";
import { useApiAction } from "@/lib/use-api-action";

export interface TAccountValues {
  id?: number;
  accountId: string;
  name: string;
  roleArn: string | null;
  hasExternalId: boolean;
  regions: string[];
  alarmSeverityPattern: string | null;
}

/** The deployment's member-account role (PORTSIDE_MEMBER_ROLE_NAME) and whether it sets a default external id. */
export interface TAccountDefaults {
  roleName: string | null;
  hasExternalId: boolean;
}

/**
 * Adds an account, or edits one in place. The external id is a shared
 * secret: never sent back to the browser, so editing keeps it unless a new
 * one is typed (or "remove" is ticked). A new account left without a role
 * or external id gets the deployment's member role and external id (the
 * server fills them in) unless "home account" is ticked.
 */
export function AwsAccountForm({ account, defaults, onDone }: { account?: TAccountValues; defaults?: TAccountDefaults; onDone?: () => void }) {
  const router = useRouter();
  const { busy, error, run } = useApiAction();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const roleArn = String(form.get("roleArn") ?? "").trim();
    const typedExternalId = String(form.get("externalId") ?? "").trim();
    const isHomeAccount = Boolean(form.get("isHomeAccount"));
    // Left out of the body, the server applies the deployment's defaults (new accounts only).
    const isRoleDefaulted = !account && !roleArn && !isHomeAccount && Boolean(defaults?.roleName);
    const isExternalIdDefaulted = !account && !isHomeAccount && Boolean(defaults?.hasExternalId);
    const target = event.currentTarget;
    await run(async () => {
      const body = {
        accountId: String(form.get("accountId") ?? "").trim(),
        name: String(form.get("name") ?? ""),
        ...(isRoleDefaulted ? {} : { roleArn: roleArn || null }),
        regions: String(form.get("regions") ?? "").split(/[\s,]+/).filter(Boolean),
        alarmSeverityPattern: String(form.get("alarmSeverityPattern") ?? "").trim() || null,
        ...(typedExternalId
          ? { externalId: typedExternalId }
          : (account?.hasExternalId && !form.get("removeExternalId")) || isExternalIdDefaulted
            ? {}
            : { externalId: null }),
      };
      if (account?.id) await apiFetch(`/api/aws-accounts/${account.id}`, { method: "PUT", json: body });
      else await apiFetch("/api/aws-accounts", { method: "POST", json: body });
      if (!account) target.reset();
      router.refresh();
      onDone?.();
    });
  }

  const idPrefix = account?.id ? `account-${account.id}` : "account-new";
  return (
    <form onSubmit={submit} aria-label={account ? `Edit ${account.name}` : "Add an AWS account"} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <label htmlFor={`${idPrefix}-id`}>
        <span className={labelClass}>Account id</span>
        <input id={`${idPrefix}-id`} name="accountId" required inputMode="numeric" pattern="\d{12}" title="12 digits" defaultValue={account?.accountId} placeholder="123456789012" className={inputClass} />
      </label>
      <label htmlFor={`${idPrefix}-name`}>
        <span className={labelClass}>Name</span>
        <input id={`${idPrefix}-name`} name="name" required maxLength={100} defaultValue={account?.name} placeholder="shop-prod" className={inputClass} />
      </label>
      <label htmlFor={`${idPrefix}-regions`}>
        <span className={labelClass}>Regions (comma-separated)</span>
        <input id={`${idPrefix}-regions`} name="regions" required defaultValue={account?.regions.join(", ")} placeholder="eu-west-1, us-east-1" className={inputClass} />
      </label>
      <label htmlFor={`${idPrefix}-role`} className="lg:col-span-2">
        <span className={labelClass}>
          {!account && defaults?.roleName
            ? `Role to assume (empty: arn:aws:iam::<account>:role/${defaults.roleName}, the member-account stack's role)`
            : "Role to assume (empty for the portal's own account)"}
        </span>
        <input id={`${idPrefix}-role`} name="roleArn" defaultValue={account?.roleArn ?? ""} placeholder={`arn:aws:iam::123456789012:role/${defaults?.roleName ?? "portside-reader"}`} className={inputClass} />
        {!account && defaults?.roleName ? (
          <span className="mt-1 inline-flex items-center gap-1.5 text-xs">
            <input type="checkbox" name="isHomeAccount" /> home account (no role: the portal&apos;s own credentials)
          </span>
        ) : null}
      </label>
      <label htmlFor={`${idPrefix}-external`}>
        <span className={labelClass}>
          External id {account?.hasExternalId ? "(set; type to replace)" : !account && defaults?.hasExternalId ? "(empty: the deployment's)" : "(optional)"}
        </span>
        <input id={`${idPrefix}-external`} name="externalId" type="password" autoComplete="off" className={inputClass} />
        {account?.hasExternalId ? (
          <span className="mt-1 inline-flex items-center gap-1.5 text-xs">
            <input type="checkbox" name="removeExternalId" /> remove it
          </span>
        ) : null}
      </label>
      <label htmlFor={`${idPrefix}-severity`} className="lg:col-span-2">
        <span className={labelClass}>Alarm severity pattern (optional: a regular expression whose first group captures SEV1–SEV4)</span>
        <input id={`${idPrefix}-severity`} name="alarmSeverityPattern" maxLength={200} defaultValue={account?.alarmSeverityPattern ?? ""} placeholder="-(sev[1-4])-" className={`${inputClass} font-mono`} />
      </label>
      <div className="flex gap-2 sm:col-span-2 lg:col-span-3">
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Saving…" : account ? "Save" : "Add account"}
        </Button>
        {onDone ? <Button onClick={onDone}>Cancel</Button> : null}
      </div>
      <div className="sm:col-span-2 lg:col-span-3">
        <FormError error={error} />
      </div>
    </form>
  );
}

export function AwsAccountActions({ account }: { account: TAccountValues }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (editing) {
    return (
      <div className="mt-3 rounded-md border border-zinc-200 p-3 text-left dark:border-zinc-800">
        <AwsAccountForm account={account} onDone={() => setEditing(false)} />
      </div>
    );
  }
  return (
    <span className="inline-flex flex-wrap justify-end gap-1">
      <Button className="text-xs" onClick={() => setEditing(true)} aria-label={`Edit ${account.name}`}>
        Edit
      </Button>
      <ConfirmButton
        label="Remove"
        confirmLabel={`Remove ${account.name} and its data`}
        busyLabel="Removing…"
        onConfirm={async () => {
          setError(null);
          try {
            await apiFetch(`/api/aws-accounts/${account.id}`, { method: "DELETE" });
            router.refresh();
          } catch (e) {
            setError(e instanceof ApiError ? e.message : String(e));
          }
        }}
      />
      {error ? (
        <span role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </span>
  );
}
