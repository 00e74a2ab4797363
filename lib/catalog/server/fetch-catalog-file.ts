import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** catalog-info.yaml files are small; anything bigger is not one. */
export const MAX_CATALOG_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/**
 * A GitHub or GitLab "blob" page URL becomes the raw file's URL, so people
 * can paste what their browser shows.
 */
export function rawFileUrl(url: URL): URL {
  const github = /^\/([^/]+)\/([^/]+)\/blob\/(.+)$/.exec(url.pathname);
  if (url.hostname === "github.com" && github) return new URL(`https://raw.githubusercontent.com/${github[1]}/${github[2]}/${github[3]}`);
  if (url.hostname === "gitlab.com" && url.pathname.includes("/-/blob/")) return new URL(url.href.replace("/-/blob/", "/-/raw/"));
  return url;
}

/**
 * Fetches a catalog file from a repository URL. Only hosts on the allow-list
 * (PORTSIDE_CATALOG_URL_HOSTS) and only https (http for localhost, for tests
 * and local git servers), so the portal cannot be turned into a proxy to its
 * own network. Redirects are not followed for the same reason.
 */
export async function fetchCatalogFile(input: string): Promise<{ text: string; source: string }> {
  let url: URL;
  try {
    url = rawFileUrl(new URL(input));
  } catch {
    throw new AppError("INVALID_INPUT", `"${input}" is not a URL.`);
  }
  const hosts = env().catalogUrlHosts;
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (!hosts.includes(url.hostname.toLowerCase())) {
    throw new AppError("INVALID_INPUT", `Catalog files are fetched only from ${hosts.join(", ")} (PORTSIDE_CATALOG_URL_HOSTS); not from ${url.hostname}.`);
  }
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) throw new AppError("INVALID_INPUT", "Use an https:// URL.");
  let response: Response;
  try {
    response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "text/plain, application/yaml, */*" } });
  } catch (error) {
    throw new AppError("UPSTREAM", `Could not fetch ${url.href}: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (!response.ok) throw new AppError("UPSTREAM", `Fetching ${url.href} answered ${response.status}${response.status === 404 ? " (is the repository private, or the path wrong?)" : ""}.`);
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_CATALOG_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "That file is over 1 MiB: not a catalog-info.yaml.");
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_CATALOG_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "That file is over 1 MiB: not a catalog-info.yaml.");
  return { text, source: url.href };
}
