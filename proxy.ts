import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";

/**
 * A fresh nonce per page request and a Content-Security-Policy that allows
 * only scripts carrying it: no 'unsafe-inline' for scripts. Next reads the
 * policy from the request headers and puts the nonce on its own scripts;
 * the layout passes it to the theme script. Styles still allow inline ones:
 * React and Next set style attributes that a nonce cannot cover.
 */
export function proxy(request: NextRequest) {
  // An optimistic check only (is there a session cookie at all?), to send
  // people to the sign-in page without rendering anything; pages and route
  // handlers check the session itself.
  const { pathname, search } = request.nextUrl;
  if (pathname !== "/sign-in" && !getSessionCookie(request, { cookiePrefix: "portside" })) {
    const target = new URL("/sign-in", request.url);
    if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
    return NextResponse.redirect(target);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const isDev = env().NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${isDev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: the API answers JSON, and static assets need no nonce.
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
