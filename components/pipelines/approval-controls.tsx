"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useRecordApprovalAnswer } from "@/components/pipelines/approval-answers";
import { Button, inputClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, ApiError } from "@/lib/api-client";

/** Approve or reject a waiting manual approval, with the comment CodePipeline keeps. */
export function ApprovalControls({ pipelineId, pipelineName, stage, action }: { pipelineId: number; pipelineName: string; stage: string; action: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState<null | "Approved" | "Rejected">(null);
  const [error, setError] = useState<ApiError | null>(null);
  const recordAnswer = useRecordApprovalAnswer();
  const [answered, setAnswered] = useState(false);

  async function answer(decision: "Approved" | "Rejected") {
    setBusy(decision);
    setError(null);
    try {
      await apiFetch(`/api/pipelines/${pipelineId}/approvals`, { method: "POST", json: { stage, action, decision, comment } });
      recordAnswer({ pipelineName, stage, action, decision });
      setAnswered(true);
      await queryClient.invalidateQueries({ queryKey: ["pipelines"] });
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), 0));
    } finally {
      setBusy(null);
    }
  }

  // The confirmation shows in <ApprovalAnswers>; these controls would vanish with the next refresh anyway.
  if (answered) return null;
  return (
    <div className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-xs text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" role="group" aria-label={`Approval ${stage} / ${action} of ${pipelineName}`}>
      <label htmlFor={commentId} className="mb-1 block font-medium">
        {stage} / {action} waits for approval — comment
      </label>
      <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={512} rows={2} className={inputClass} placeholder="Why (kept in CodePipeline and the audit log)" />
      <div className="mt-1 flex gap-1">
        <Button tone="primary" className="text-xs" disabled={busy !== null || !comment.trim()} onClick={() => answer("Approved")}>
          {busy === "Approved" ? "Approving…" : "Approve"}
        </Button>
        <Button tone="danger" className="text-xs" disabled={busy !== null || !comment.trim()} onClick={() => answer("Rejected")}>
          {busy === "Rejected" ? "Rejecting…" : "Reject"}
        </Button>
      </div>
      <FormError error={error} />
    </div>
  );
}
