/**
 * The browser's way to call the portal's JSON API: same-origin, cookies
 * included, and errors turned into one message plus the per-field problems
 * the API lists (see lib/http.ts).
 */
export interface TApiProblem {
  path?: string;
  line?: number;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: TApiProblem[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function apiFetch<T>(path: string, init: { method: string; json?: unknown; body?: BodyInit }): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      headers: init.json !== undefined ? { "content-type": "application/json" } : undefined,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError("The portal could not be reached. Check your connection and try again.", 0);
  }
  const body = (await response.json().catch(() => null)) as { error?: { message: string; details?: { issues?: TApiProblem[]; problems?: TApiProblem[] } } } | null;
  if (!response.ok) {
    if (response.status === 401) throw new ApiError("Your session has ended: sign in again.", 401);
    const details = body?.error?.details;
    throw new ApiError(body?.error?.message ?? `The portal answered ${response.status}.`, response.status, details?.issues ?? details?.problems ?? []);
  }
  return body as T;
}
