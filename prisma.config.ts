import { defineConfig } from "prisma/config";

// Used by stock `prisma` commands (a team with normal network can run
// `prisma migrate deploy`). Our own scripts/db-*.ts drive the wasm schema
// engine instead and need no download.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/portside" },
});
