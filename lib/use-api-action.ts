"use client";

import { useCallback, useState } from "react";
import { ApiError } from "@/lib/api-client";

/**
 * The state every form that calls the API keeps: busy while the call runs,
 * the error it ended with. `run` resolves to true when the action succeeded.
 */
export function useApiAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), 0));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
