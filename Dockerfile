# syntax=docker/dockerfile:1.7
# Portside portal image: the Next.js standalone build, served by scripts/start.mjs, + the files `npm run db:migrate` needs.
# Built by the CDK app in infra/ (DockerImageAsset, linux/amd64) or by hand:
#   docker build -t portside .
ARG NODE_IMAGE=node:20-bookworm-slim

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

# ---- prod-deps: production dependencies only (migrations run with tsx) ------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- build: prisma generate + next build (output: "standalone") -------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NODE_ENV=production \
    BUILD_STANDALONE=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run db:generate \
 && npm run build \
 && test -f .next/standalone/server.js \
 && mkdir -p public

# ---- runner ------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    PORT=3000 \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem

# CA bundle for TLS to RDS/Aurora (the infra sets PGSSLMODE=verify-full).
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem

# Full production node_modules first (db:migrate needs tsx, prisma, pg, @next/env; the server next, pino, @next/env),
# then the standalone build on top (its traced node_modules are a subset of it).
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/prisma.config.ts ./prisma.config.ts
COPY --from=build --chown=node:node /app/scripts ./scripts
# lib/ includes lib/generated (the Prisma client produced in the build stage).
COPY --from=build --chown=node:node /app/lib ./lib
COPY --from=build --chown=node:node /app/tsconfig.json ./tsconfig.json

# The unprivileged user that ships with the node image (uid 1000).
USER node
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Migrations first (advisory-locked, safe with several instances starting at once),
# then the server; the health check only passes once the server is up, so a new
# version takes traffic after its migrations have been applied.
# The server is scripts/start.mjs over the standalone build (not its server.js): it answers deployment
# ingest before Next's router (see the README).
CMD ["sh", "-c", "node_modules/.bin/tsx scripts/db-migrate.ts && exec node scripts/start.mjs"]
