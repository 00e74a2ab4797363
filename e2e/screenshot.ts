/**
 * Takes screenshots of the portal's pages in light and dark themes, for a
 * person to look at: `npx tsx e2e/screenshot.ts http://localhost:3000 out-dir "/,/teams"`.
 * Against `npm run dev`, it signs in first with the dev sign-in as
 * SCREENSHOT_USER (text on their button, e.g. a name; default: the first admin).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://localhost:3000";
const out = process.argv[3] ?? "test-results/screenshots";
const pages = (process.argv[4] ?? "/,/teams,/pipelines").split(",");
await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const viewport = process.env.SCREENSHOT_WIDTH ? { width: Number(process.env.SCREENSHOT_WIDTH), height: 844 } : { width: 1440, height: 1000 };
for (const scheme of ["light", "dark"] as const) {
  const context = await browser.newContext({ colorScheme: scheme, viewport });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  const picker = page.getByRole("region", { name: "Dev sign-in" });
  if (await picker.count()) {
    const who = process.env.SCREENSHOT_USER;
    await (who ? picker.getByRole("button").filter({ hasText: who }) : picker.getByRole("button", { name: /\(admin\)$/ })).first().click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  }
  for (const p of pages) {
    await page.goto(base + p, { waitUntil: "networkidle" });
    const file = path.join(out, `${p === "/" ? "home" : p.slice(1).replace(/\//g, "_")}-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await context.close();
}
await browser.close();
