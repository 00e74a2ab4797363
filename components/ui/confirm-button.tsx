"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A destructive action that asks once more, inline (no modal to trap focus in). */
export function ConfirmButton({ label, confirmLabel, busyLabel, onConfirm, disabled }: { label: string; confirmLabel: string; busyLabel: string; onConfirm: () => Promise<void>; disabled?: boolean }) {
  const [stage, setStage] = useState<"idle" | "confirm" | "busy">("idle");
  if (stage === "idle") {
    return (
      <Button onClick={() => setStage("confirm")} disabled={disabled} className="text-xs">
        {label}
      </Button>
    );
  }
  return (
    <span className="inline-flex gap-1">
      <Button
        tone="danger"
        className="text-xs"
        disabled={stage === "busy"}
        autoFocus
        onClick={async () => {
          setStage("busy");
          try {
            await onConfirm();
          } finally {
            setStage("idle");
          }
        }}
      >
        {stage === "busy" ? busyLabel : confirmLabel}
      </Button>
      <Button className="text-xs" disabled={stage === "busy"} onClick={() => setStage("idle")}>
        Cancel
      </Button>
    </span>
  );
}
