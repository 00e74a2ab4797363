/**
 * Module hooks of the portal's production server (scripts/start.ts), given to
 * node with --import: TypeScript and the tsconfig "@/" paths through tsx, and
 * `server-only` resolved to an empty module, as Next's bundler resolves it for
 * server code. (The server imports route handlers from lib/ itself; the
 * react-server condition, which would do the same, would also change how
 * React resolves for Next's own rendering.)
 */
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
register(
  `data:text/javascript,${encodeURIComponent(
    'export async function resolve(specifier, context, nextResolve) { return specifier === "server-only" ? { url: "data:text/javascript,export {}", shortCircuit: true } : nextResolve(specifier, context); }',
  )}`,
);
