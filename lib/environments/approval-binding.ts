/**
 * What an approval approves, as one hash: the template version, the
 * parameters, the size, the time to live and the cost estimate. An approval
 * stores the hash it was given for; any later change to what is asked for
 * gives another hash, and the approval no longer counts (workflow.ts).
 * Parameters are hashed in a canonical form (keys sorted at every depth), so
 * the same request written in another key order is the same request.
 */
import { createHash } from "node:crypto";

export interface TApprovalSubject {
  templateVersionId: number;
  parameters: Readonly<Record<string, unknown>>;
  size: string;
  ttlHours: number;
  /** The estimate the approver saw, in cents (hourly cost × time to live). */
  estimateCents: number;
}

/** The value with every object's keys sorted, at every depth. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function approvalBindingHash(subject: TApprovalSubject): string {
  const body = JSON.stringify(
    canonical({
      v: 1,
      templateVersionId: subject.templateVersionId,
      parameters: subject.parameters,
      size: subject.size,
      ttlHours: subject.ttlHours,
      estimateCents: subject.estimateCents,
    }),
  );
  return createHash("sha256").update(body).digest("hex");
}
