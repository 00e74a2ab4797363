export interface TNavItem {
  href: string;
  label: string;
  icon: "home" | "teams" | "pipelines" | "dora" | "exec" | "map" | "alarms" | "incidents" | "environments" | "postmortems" | "settings";
}

export const NAV_ITEMS: TNavItem[] = [
  { href: "/", label: "Home", icon: "home" },
  { href: "/teams", label: "Teams", icon: "teams" },
  { href: "/pipelines", label: "Pipelines", icon: "pipelines" },
  { href: "/dora", label: "DORA", icon: "dora" },
  { href: "/exec", label: "Executive", icon: "exec" },
  { href: "/service-map", label: "Service map", icon: "map" },
  { href: "/alarms", label: "Alarms", icon: "alarms" },
  { href: "/incidents", label: "Incidents", icon: "incidents" },
  { href: "/environments", label: "Environments", icon: "environments" },
  { href: "/postmortems", label: "Postmortems", icon: "postmortems" },
  { href: "/settings", label: "Settings", icon: "settings" },
];
