/**
 * An alarm's severity and whether it opens incidents. Pure: the callers pass
 * the alarm's tags and its account's naming rule.
 *
 * Severity comes from the tag portside:severity, else from the alarm's name
 * through the account's naming rule (AwsAccount.alarmSeverityPattern: a
 * regular expression whose first group reads the severity), else none.
 */
import type { TSeverity } from "@/lib/alarms/collect/types";

export const SEVERITY_TAG = "portside:severity";
export const SEVERITIES: readonly TSeverity[] = ["SEV1", "SEV2", "SEV3", "SEV4"];
/** Severities that open an incident when their alarm enters ALARM, unless configured otherwise. */
export const DEFAULT_INCIDENT_SEVERITIES: readonly TSeverity[] = ["SEV1", "SEV2"];

// A Map, not an object literal: "__proto__" or "constructor" must not read a prototype's member.
const WORDS = new Map<string, TSeverity>([
  ["critical", "SEV1"],
  ["high", "SEV2"],
  ["medium", "SEV3"],
  ["low", "SEV4"],
]);

/** "SEV2", "sev-2", "2", "P2", "high" → SEV2; anything else → null. */
export function parseSeverity(text: string | null | undefined): TSeverity | null {
  const value = text?.trim().toLowerCase();
  if (!value) return null;
  const word = WORDS.get(value);
  if (word) return word;
  const match = /^(?:sev[-_ ]?|p)?([1-4])$/.exec(value);
  return match ? (`SEV${match[1]}` as TSeverity) : null;
}

/** The longest naming rule accepted: it runs on every alarm name of its account at each sync. */
export const MAX_SEVERITY_PATTERN_LENGTH = 200;

// Every spelling parseSeverity reads; a rule's capture group must be able to capture one of them.
const SEVERITY_SPELLINGS = [...[1, 2, 3, 4].flatMap((n) => [`SEV${n}`, `sev-${n}`, `sev_${n}`, `sev ${n}`, `P${n}`, `${n}`]), ...WORDS.keys()];

/** The source of a pattern's first capturing group (numbered or named), or null when it has none. */
function firstGroupSource(source: string): string | null {
  let inClass = false;
  let start = -1;
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") {
      if (start >= 0) depth += 1;
      else if (source[i + 1] !== "?") start = i + 1;
      else if (source[i + 2] === "<" && source[i + 3] !== "=" && source[i + 3] !== "!") start = source.indexOf(">", i) + 1;
    } else if (c === ")" && start >= 0) {
      if (depth === 0) return source.slice(start, i);
      depth -= 1;
    }
  }
  return null;
}

/**
 * Why an account's naming rule (AwsAccount.alarmSeverityPattern) cannot be
 * used, or null: it must be a regular expression whose first capture group
 * can capture a severity (SEV1–SEV4, sev-2, P3, 4, high…) from an alarm's
 * name, such as `-(sev[1-4])-` or `^(P[1-4])-`.
 */
export function severityPatternProblem(pattern: string): string | null {
  if (pattern.length > MAX_SEVERITY_PATTERN_LENGTH) return `must be at most ${MAX_SEVERITY_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, "i");
  } catch (error) {
    return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!compileSeverityPattern(pattern)) return "needs a capture group around the severity in the alarm's name, such as -(sev[1-4])-";
  const group = firstGroupSource(pattern);
  if (group === null) return null;
  let captures: RegExp;
  try {
    captures = new RegExp(`^(?:${group})$`, "i");
  } catch {
    // A group that only compiles in place (a backreference to an earlier group): taken as written.
    return null;
  }
  return SEVERITY_SPELLINGS.some((s) => captures.test(s)) ? null : "its first capture group must capture a severity: SEV1–SEV4 (or sev-2, P3, 4, high…)";
}

/** Null when the pattern is not a valid regular expression or has no capturing group (checked where it is entered). */
export function compileSeverityPattern(pattern: string | null | undefined): RegExp | null {
  if (!pattern) return null;
  try {
    const re = new RegExp(pattern, "i");
    // A group is needed to say which part of the name is the severity.
    return new RegExp(`${re.source}|`).exec("")!.length > 1 ? re : null;
  } catch {
    return null;
  }
}

export function severityFromName(name: string, pattern: RegExp | null): TSeverity | null {
  if (!pattern) return null;
  return parseSeverity(pattern.exec(name)?.[1]);
}

export function alarmSeverity({ tags, name, pattern }: { tags: Readonly<Record<string, string>>; name: string; pattern: RegExp | null }): TSeverity | null {
  return parseSeverity(tags[SEVERITY_TAG]) ?? severityFromName(name, pattern);
}

export function isIncidentWorthy(severity: TSeverity | null, incidentSeverities: readonly TSeverity[] = DEFAULT_INCIDENT_SEVERITIES): boolean {
  return severity !== null && incidentSeverities.includes(severity);
}
