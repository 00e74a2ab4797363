/**
 * A real OpenID Connect provider for tests (oauth2-mock-server): discovery,
 * authorization code with PKCE, signed ID tokens, userinfo. It signs in one
 * person, whose claims the test chooses.
 */
import { OAuth2Server } from "oauth2-mock-server";

export interface TOidcIdentity {
  sub: string;
  email: string;
  name: string;
}

export const OIDC_CLIENT_ID = "portside-test";
export const OIDC_CLIENT_SECRET = "portside-test-secret";

export async function startOidcProvider({ port = 0, identity }: { port?: number; identity: TOidcIdentity }) {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  const claims = () => ({ sub: identity.sub, email: identity.email, email_verified: true, name: identity.name });
  server.service.on("beforeTokenSigning", (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, claims(), { aud: OIDC_CLIENT_ID });
  });
  server.service.on("beforeUserinfo", (response: { body: Record<string, unknown> }) => {
    response.body = claims();
  });
  await server.start(port, "127.0.0.1");
  // It names itself http://localhost:<port>; the portal requires the issuer it discovers to be exactly the one configured
  // (OpenID Connect Discovery §4.3), and the tests configure the address it listens on.
  server.issuer.url = `http://127.0.0.1:${server.address().port}`;
  const issuer = server.issuer.url;
  return {
    issuer,
    identity,
    stop: () => server.stop(),
  };
}
