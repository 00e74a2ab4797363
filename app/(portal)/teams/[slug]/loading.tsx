import { DashboardSkeleton } from "@/components/dora/dashboard-skeleton";

export default function Loading() {
  return <DashboardSkeleton title="the team" />;
}
