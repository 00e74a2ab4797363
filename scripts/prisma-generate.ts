/**
 * Runs `prisma generate` without the native schema engine download that the
 * CLI attempts first (it cannot reach its host on an air-gapped machine, and
 * generate does not use the engine). The CLI is pointed at a stand-in that
 * refuses to run, so any command that would need the real engine says so.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const standIn = path.join(root, "node_modules", ".cache", "portside", "schema-engine-unavailable");
mkdirSync(path.dirname(standIn), { recursive: true });
writeFileSync(
  standIn,
  '#!/bin/sh\necho "The native Prisma schema engine is not installed: use npm run db:migrate / db:migration." >&2\nexit 1\n',
);
chmodSync(standIn, 0o755);

const result = spawnSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: standIn, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
});
process.exit(result.status ?? 1);
