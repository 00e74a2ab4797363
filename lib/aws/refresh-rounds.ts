/**
 * The rotation collectors use to read a slice of their resources again in
 * full each sync (a pipeline's definition, an alarm's tags), so that a change
 * AWS does not announce (a tag added) is seen within `rounds` syncs.
 */

/** A stable number for a string (FNV-1a), to spread resources over refresh rounds. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Whether it is this resource's turn to be read again in full: each one once
 * every `rounds` syncs, a slice at a time (0: never). The round is the sync's
 * start time in schedule intervals, so every instance agrees on it.
 */
export function isRefreshRound(key: string, { now, intervalMinutes, rounds }: { now: Date; intervalMinutes: number; rounds: number }): boolean {
  if (rounds <= 0) return false;
  const round = Math.floor(now.getTime() / (intervalMinutes * 60_000));
  return hash(key) % rounds === round % rounds;
}
