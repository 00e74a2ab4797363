import { postDeployments } from "@/lib/deployments/server/post-deployments";
import { registerDirectRoute } from "@/lib/server/direct-routes";

// POST /api/deployments – record one deployment or a batch of up to 1,000 (lib/deployments/server/post-deployments.ts).
export const POST = postDeployments;

// In production the portal's server answers this route itself, before Next's router, once Next has loaded this file.
registerDirectRoute("POST", "/api/deployments", POST);
