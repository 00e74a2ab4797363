import { postDeployments } from "@/lib/deployments/server/post-deployments";

// POST /api/deployments – record one deployment or a batch of up to 1,000 (lib/deployments/server/post-deployments.ts).
// In production the portal's server answers this route itself, before Next's router (lib/server/direct-routes.ts).
export const POST = postDeployments;
