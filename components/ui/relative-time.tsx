/** "3 h ago", with the exact time on hover and for screen readers. Rendered on the server. */
export function RelativeTime({ date, now = new Date() }: { date: Date; now?: Date }) {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const units: [number, string][] = [
    [86_400 * 365, "y"],
    [86_400 * 30, "mo"],
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
  ];
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1, "s"];
  const value = Math.floor(abs / size);
  const text = abs < 45 ? "just now" : seconds >= 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso.replace("T", " ").slice(0, 16) + " UTC"}>
      {text}
    </time>
  );
}
