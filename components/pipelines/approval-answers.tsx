"use client";

import { CheckCircle2, XCircle } from "lucide-react";
import { createContext, use, useCallback, useState, type ReactNode } from "react";

export type TApprovalAnswer = { pipelineName: string; stage: string; action: string; decision: "Approved" | "Rejected" };

const AnswerContext = createContext<((answer: TApprovalAnswer) => void) | null>(null);

/**
 * Keeps the answers given on this page in view. The controls that gave an
 * answer disappear as soon as the refreshed state shows the action is no
 * longer waiting, so the confirmation cannot live inside them.
 */
export function ApprovalAnswers({ children }: { children: ReactNode }) {
  const [answers, setAnswers] = useState<TApprovalAnswer[]>([]);
  const record = useCallback((answer: TApprovalAnswer) => setAnswers((list) => [answer, ...list].slice(0, 5)), []);
  return (
    <AnswerContext value={record}>
      <div role="status" aria-live="polite" className="empty:hidden mb-4 space-y-1">
        {answers.map((a, i) => (
          <p
            key={`${i}-${a.pipelineName}-${a.stage}-${a.action}`}
            className="flex items-center gap-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900"
          >
            {a.decision === "Approved" ? <CheckCircle2 aria-hidden className="size-4 text-emerald-700 dark:text-emerald-400" /> : <XCircle aria-hidden className="size-4 text-red-700 dark:text-red-400" />}
            <span>
              {a.decision}: {a.stage} / {a.action} of <span className="font-medium">{a.pipelineName}</span>. CodePipeline carries on from here; the page follows it.
            </span>
          </p>
        ))}
      </div>
      {children}
    </AnswerContext>
  );
}

export function useRecordApprovalAnswer(): (answer: TApprovalAnswer) => void {
  const record = use(AnswerContext);
  if (!record) throw new Error("ApprovalControls must be inside <ApprovalAnswers>.");
  return record;
}
