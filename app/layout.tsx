import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import { Providers } from "@/components/shell/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Portside", template: "%s · Portside" },
  description: "Pipelines, DORA metrics, service maps, alarms and incidents for teams that ship on AWS.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Set by proxy.ts: the theme script must carry it to run under the CSP.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`} suppressHydrationWarning>
      <body className="font-sans">
        <Providers nonce={nonce}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
