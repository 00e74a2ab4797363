/** Node's arguments that start the portal's production server (scripts/start.ts), for the benchmarks and the end-to-end tests; `npm start` runs the same. */
export const PORTAL_SERVER_ARGS = ["--import", "./scripts/lib/server-hooks.mjs", "scripts/start.ts"] as const;
