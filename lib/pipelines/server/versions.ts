/**
 * Versions order what is known about one part of a pipeline or execution (its
 * status, one stage, one action): a later version replaces an earlier one and
 * an earlier one never replaces a later one, whatever order they arrive in.
 *
 * A version is "<time to the second>|<rank>|<tie-break>", compared as a plain
 * string (fixed-width ISO time first). EventBridge gives event times to the
 * second only, so two changes of one part often share a second (an action
 * that starts and succeeds at once): the rank then says which came last
 * (STARTED before STOPPING before a final state), and the event id breaks a
 * remaining tie the same way everywhere. What the sync read from AWS has an
 * empty tie-break, so an event of the same second and rank wins over it: they
 * say the same thing, and the event carries its id.
 */

export type TVersion = string;

/** "2026-11-02T10:00:05": the second a version is about. */
function second(time: Date): string {
  return time.toISOString().slice(0, 19);
}

export function eventVersion(time: Date, rank: number, eventId: string): TVersion {
  return `${second(time)}|${rank}|${eventId}`;
}

export function syncVersion(time: Date, rank: number): TVersion {
  return `${second(time)}|${rank}|`;
}

/** Everything at or before `time`'s second, whatever its rank: for "older than the last sync". */
export function floorVersion(time: Date): TVersion {
  return `${second(time)}|9`;
}

export function isNewer(candidate: TVersion, current: TVersion | undefined): boolean {
  return current === undefined || candidate > current;
}

/** The earlier of two versions (for "first seen"), undefined-tolerant. */
export function earliest(a: TVersion | undefined, b: TVersion): TVersion {
  return a === undefined || b < a ? b : a;
}
