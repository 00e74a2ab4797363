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
