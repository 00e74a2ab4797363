/**
 * The standalone build laid out as the image's runner stage has it, for tests that run the image's command
 * (lib/server/production-server.integration.test.ts): server.js, prisma/ and the bundled migration step.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");
export const STANDALONE = path.join(ROOT, ".next/standalone");
/** What the build is made from; a change to any of these files (tests and test helpers aside) makes a new one. */
const SOURCES = ["app", "components", "lib", "prisma", "public", "instrumentation.ts", "proxy.ts", "next.config.mjs", "package-lock.json", "tsconfig.json"];
/** Where the test lays the image's /app out (inside .next: ignored, and made again with each build). */
export const IMAGE_DIR = path.join(ROOT, ".next/image-test");
export const BUILD_STAMP = path.join(STANDALONE, ".portside-sources");
export const IMAGE_BUILD_TIMEOUT_MS = 20 * 60_000;

/** A fingerprint of the sources (paths, sizes, modification times): cheap, and independent of the clock's reading. */
export function sourcesFingerprint(): string {
  const hash = createHash("sha256");
  for (const entry of SOURCES) {
    const full = path.join(ROOT, entry);
    if (!existsSync(full)) continue;
    const files = statSync(full).isDirectory() ? readdirSync(full, { recursive: true, encoding: "utf8" }).map((f) => path.join(entry, f)) : [entry];
    for (const file of files.sort()) {
      if (/(^|\/)(node_modules|\.next|testing)(\/|$)|\.test\.tsx?$/.test(file)) continue;
      const stat = statSync(path.join(ROOT, file));
      if (stat.isFile()) hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest("hex");
}

/**
 * Makes the standalone build (`BUILD_STANDALONE=1 next build`, as the image's build stage runs it) when there is
 * none or the sources changed since, then lays IMAGE_DIR out as the image's /app.
 */
export function ensureImageLayout({ env }: { env: { PATH?: string; HOME?: string } }): void {
  const fingerprint = sourcesFingerprint();
  const isCurrent = existsSync(path.join(STANDALONE, "server.js")) && existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, "utf8") === fingerprint;
  if (!isCurrent) {
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      // Not the test's own environment (NODE_ENV=test, the dev sign-in): a build as the image's build stage makes it.
      env: { PATH: env.PATH, HOME: env.HOME, BUILD_STANDALONE: "1", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      timeout: IMAGE_BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) throw new Error(`next build failed (${build.status ?? build.signal})`);
    writeFileSync(BUILD_STAMP, fingerprint);
  }
  // The runner stage's /app: the production node_modules (here the repository's, a superset) with the standalone build
  // over them (server.js and its .next copied, the rest linked), package.json, prisma/ and the migration bundle.
  rmSync(IMAGE_DIR, { recursive: true, force: true });
  mkdirSync(IMAGE_DIR, { recursive: true });
  for (const entry of readdirSync(STANDALONE)) {
    if (["node_modules", "package.json", "prisma", path.basename(BUILD_STAMP)].includes(entry)) continue;
    // server.js finds the build beside its own real path: copied, not linked.
    if (entry === "server.js") cpSync(path.join(STANDALONE, entry), path.join(IMAGE_DIR, entry));
    else symlinkSync(path.join(STANDALONE, entry), path.join(IMAGE_DIR, entry));
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(IMAGE_DIR, "node_modules"));
  cpSync(path.join(ROOT, "package.json"), path.join(IMAGE_DIR, "package.json"));
  cpSync(path.join(ROOT, "prisma"), path.join(IMAGE_DIR, "prisma"), { recursive: true });
  // The same bundle as the Dockerfile's build stage makes.
  const bundle = spawnSync(
    path.join(ROOT, "node_modules/.bin/esbuild"),
    ["scripts/db-migrate.ts", "--bundle", "--platform=node", "--format=esm", "--target=node24", "--packages=external", "--tsconfig=tsconfig.json", `--outfile=${path.join(IMAGE_DIR, "dist/migrate/db-migrate.mjs")}`, "--log-level=warning"],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (bundle.status !== 0) throw new Error("could not bundle scripts/db-migrate.ts");
}

/** The image's command: the Dockerfile's CMD (exec form), as the container runs it. */
export function imageCommand(): string[] {
  const match = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
  if (!match) throw new Error("no CMD [...] in the Dockerfile");
  return JSON.parse(match[1]!) as string[];
}
