/**
 * The identity provider the end-to-end tests sign in with (started by
 * playwright.config.ts as a second web server): one admin, whose email the
 * test database grants the admin role (see e2e/auth.setup.ts).
 */
import { startOidcProvider } from "../lib/testing/oidc-provider";

const port = Number(process.argv[2] ?? 3199);
const provider = await startOidcProvider({ port, identity: { sub: "e2e-sso-admin", email: "sso.admin@example.com", name: "Sam Sso" } });
console.log(`OIDC provider at ${provider.issuer}`);
const stop = () => void provider.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
