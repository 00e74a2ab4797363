import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\/(.*)$/, replacement: path.join(root, "$1") },
      // Next resolves "server-only" to an empty module on the server; so do tests.
      { find: /^server-only$/, replacement: path.join(root, "scripts/lib/empty-module.ts") },
    ],
  },
  test: {
    environment: "node",
    env: { LOG_LEVEL: "silent" },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["{lib,app,components,scripts}/**/*.test.ts"], exclude: ["**/*.integration.test.ts", "node_modules/**"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,app,scripts}/**/*.integration.test.ts"],
          // The dev sign-in is how tests get a session (NODE_ENV is "test" here).
          // 127.0.0.1: catalog files fetched by URL come from a local server in tests.
          env: { PORTSIDE_DEV_SIGN_IN: "1", PORTSIDE_CATALOG_URL_HOSTS: "github.com,raw.githubusercontent.com,127.0.0.1" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One file at a time: the files share one database, and several compare whole-table counts before and after
          // (audit events, users, sessions, postmortems) that another file writing meanwhile would change. Vitest runs
          // one worker per core less one, so on 2 cores this was already so; on a bigger CI runner it was luck.
          fileParallelism: false,
        },
      },
    ],
  },
});
