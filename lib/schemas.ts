/**
 * The zod primitives every schema builds on (lib/<domain>/schemas.ts), safe on
 * client and server. Each one refuses, with a message naming the field, a value
 * that PostgreSQL cannot store or that a browser must not follow: such values
 * used to reach the database and fail the whole statement with a 500, or be
 * stored and rendered as a link.
 */
import { z } from "zod";
import { AppError, ERROR_STATUS, type TErrorCode } from "@/lib/errors";

/** The largest id of an `Int` primary key (PostgreSQL's integer). */
export const MAX_DB_ID = 2_147_483_647;

// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL cannot store this text as given (NUL is refused by text and jsonb; a lone surrogate is not UTF-8), or null. */
export function unstorableText(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(value)) return "must not contain an unpaired surrogate (not valid Unicode)";
  return null;
}

/** Any text a client sends: a string PostgreSQL can store. Chain `.trim()`, `.min()`, `.max()` as on `z.string()`. */
export const ZText = z.string().check((payload) => {
  const problem = unstorableText(payload.value);
  if (problem) payload.issues.push({ code: "custom", message: problem, input: payload.value, continue: false });
});

/** A row id as clients send it: a whole number that fits PostgreSQL's integer. */
export const ZDbId = z
  .number({ error: "must be a number (an id)" })
  .int("must be a whole number (an id)")
  .min(1, "must be an id from 1")
  .max(MAX_DB_ID, `must be an id no larger than ${MAX_DB_ID}`);

/** A link people will open: http or https only (never javascript:, data: or file:). */
export const ZHttpUrl = z
  .url({ protocol: /^https?$/, hostname: /./, error: "must be an http:// or https:// URL" })
  .max(2000)
  .check((payload) => {
    const problem = unstorableText(payload.value);
    if (problem) payload.issues.push({ code: "custom", message: problem, input: payload.value });
  });

/** A link that may also be an email address (mailto:), as catalog links are. */
export const ZLinkUrl = z
  .url({ protocol: /^(https?|mailto)$/, error: "must be an http://, https:// or mailto: URL" })
  .max(2000)
  .check((payload) => {
    const problem = unstorableText(payload.value);
    if (problem) payload.issues.push({ code: "custom", message: problem, input: payload.value });
  });

/**
 * The href to render for a stored link: the URL when it is http(s) or mailto,
 * else undefined (the text is shown, not linked). The schemas above refuse the
 * rest, but rows stored before them, and URLs that come from AWS, may hold
 * anything (javascript: runs in the portal's origin when clicked).
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === "http:" || protocol === "https:" || protocol === "mailto:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A point in time that a client sends (deployments, incidents, AWS events): ISO
 * 8601 with a time zone, from 1970 on. The format alone lets through year 0000,
 * which PostgreSQL has no room for: such a value failed the whole statement.
 */
export const ZTimestamp = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-26T10:00:00Z" })
  // NaN (not a timestamp at all) is left to the format check above, which says so.
  .refine((value) => !(Date.parse(value) < 0), { message: "is before 1970-01-01" });

/**
 * Checks every string and key of a value that is stored or passed on whole
 * (EventBridge events, catalog specs), where fields are let through unnamed.
 * Iterative, so a deep value cannot overflow the stack; reports the first
 * problem of each kind with its path.
 */
export function checkStorableStrings(value: unknown, ctx: z.RefinementCtx): void {
  // Each entry links to its parent, so that a path is built only for a problem (copying it per level is quadratic).
  interface TEntry { value: unknown; key: string | number | null; parent: TEntry | null }
  const pathOf = (entry: TEntry | null): (string | number)[] => {
    const path: (string | number)[] = [];
    // Pushed then reversed: unshift moves the whole array each time, seconds for a path 100,000 deep.
    for (let at = entry; at && at.key !== null; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const reported = new Set<string>();
  const report = (problem: string | null, entry: TEntry) => {
    if (!problem || reported.has(problem)) return;
    reported.add(problem);
    ctx.addIssue({ code: "custom", path: pathOf(entry), message: problem });
  };
  const stack: TEntry[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const current = entry.value;
    if (typeof current === "string") report(unstorableText(current), entry);
    else if (Array.isArray(current)) current.forEach((item, index) => stack.push({ value: item, key: index, parent: entry }));
    else if (current !== null && typeof current === "object") {
      for (const [key, item] of Object.entries(current)) {
        const keyProblem = unstorableText(key);
        report(keyProblem && `a key ${keyProblem}`, entry);
        stack.push({ value: item, key, parent: entry });
      }
    }
  }
}

/** The row id a path segment names (pages answer 404 when it names none), or null. */
export function toDbId(raw: string): number | null {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  return id >= 1 && id <= MAX_DB_ID ? id : null;
}

/**
 * A route's path parameter that names a row (`/api/tokens/{id}`): a whole number
 * from 1 to 2147483647, else a 400 naming the parameter (a larger one reached
 * the database and failed there with a 500).
 */
export function parsePathId(raw: string | undefined, name = "id"): number {
  const value = raw ?? "";
  const id = toDbId(value);
  if (id === null) {
    const message = `must be a whole number from 1 to ${MAX_DB_ID}`;
    throw new AppError("INVALID_INPUT", `The path's ${name} ${message}; got "${value.slice(0, 40)}".`, { details: { issues: [{ path: name, message }] } });
  }
  return id;
}

/** A route's path parameter that is text (a team's slug): refused with a 400 naming it when the database could not store it. */
export function parsePathText(raw: string | undefined, name: string): string {
  const value = raw ?? "";
  const problem = value.length > 200 ? "is longer than 200 characters" : unstorableText(value);
  if (problem) throw new AppError("INVALID_INPUT", `The path's ${name} ${problem}.`, { details: { issues: [{ path: name, message: problem }] } });
  return value;
}

/** A page's query string as Next hands it over. */
export type TSearchParams = Record<string, string | string[] | undefined>;

/**
 * A page's filters from its query string: the first value of each key the
 * schema knows, blanks dropped, over `defaults`. A hand-edited URL with a bad
 * filter gets the defaults rather than an error page (the API routes answer
 * the same mistake with a 400).
 */
export function pageFilters<S extends z.ZodObject>(raw: TSearchParams, schema: S, defaults: Record<string, string> = {}): z.infer<S> {
  const asked: Record<string, string> = { ...defaults };
  for (const key of Object.keys(schema.shape)) {
    const value = raw[key];
    const first = (Array.isArray(value) ? value[0] : value)?.trim();
    if (first) asked[key] = first;
  }
  const parsed = schema.safeParse(asked);
  return parsed.success ? parsed.data : schema.parse(defaults);
}

// ───────────────────────── what the API answers ─────────────────────────
// The response schemas of lib/<domain>/schemas.ts describe the JSON the routes send, from which the OpenAPI
// document (lib/openapi.ts) is generated; app/api/openapi-answers.integration.test.ts holds the routes to them.

/** A point in time as the API answers it: Date.toISOString() (UTC, milliseconds). */
export const ZIsoTime = z.iso.datetime();

/** A team or service as answers name it. */
export const ZSlugNameSchema = z.object({ slug: z.string(), name: z.string() });

/** Every error answer (lib/http.ts errorResponse): a code of lib/errors.ts, or INTERNAL for what was not foreseen. */
export const ZErrorBodySchema = z.object({
  error: z.object({
    code: z.enum([...(Object.keys(ERROR_STATUS) as TErrorCode[]), "INTERNAL"]),
    message: z.string(),
    details: z.unknown().optional().describe("What was wrong: `issues` (path and message of each problem) for invalid input; other keys as the operation says."),
    requestId: z.string().optional(),
  }),
});
