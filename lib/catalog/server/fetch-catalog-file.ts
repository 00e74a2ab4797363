import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** catalog-info.yaml files are small; anything bigger is not one. */
export const MAX_CATALOG_BYTES = 1024 * 1024;
/** For the whole fetch, body included: a server that sends its answer a byte at a time is stopped too. */
export const FETCH_TIMEOUT_MS = 10_000;

export function catalogTooLarge(what: string): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `${what} is over 1 MiB (${MAX_CATALOG_BYTES} bytes): not a catalog-info.yaml. Nothing was imported.`, {
    details: { limitBytes: MAX_CATALOG_BYTES },
  });
}

/**
 * Reads a body as UTF-8 text, counting the bytes as they arrive (after any
 * content-encoding is undone) and stopping at `limit`: a chunked answer or a
 * gzip bomb is never held whole in memory. `what` names it in the 413.
 */
export async function readCatalogText(body: ReadableStream<Uint8Array> | null, what: string, limit = MAX_CATALOG_BYTES): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw catalogTooLarge(what);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

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

export interface TFetchCatalogFileOptions {
  url: string;
  /** The whole fetch, from connecting to the last byte of the body. */
  timeoutMs?: number;
}

/**
 * Fetches a catalog file from a repository URL. Only hosts on the allow-list
 * (PORTSIDE_CATALOG_URL_HOSTS) and only https (http for localhost, for tests
 * and local git servers), so the portal cannot be turned into a proxy to its
 * own network. Redirects are not followed for the same reason. The body is
 * read up to MAX_CATALOG_BYTES (decoded) and within `timeoutMs` in all.
 */
export async function fetchCatalogFile({ url: input, timeoutMs = FETCH_TIMEOUT_MS }: TFetchCatalogFileOptions): Promise<{ text: string; source: string }> {
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

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // The answer is the URL's fault, not the portal's: a 4xx that names it.
  const timedOut = () =>
    new AppError("UNPROCESSABLE", `Fetching ${url.href} did not finish within ${timeoutMs / 1000} s; nothing was imported.`, { details: { url: url.href, timeoutMs } });
  try {
    let response: Response;
    try {
      response = await fetch(url, { redirect: "manual", signal: controller.signal, headers: { accept: "text/plain, application/yaml, */*" } });
    } catch (error) {
      if (controller.signal.aborted) throw timedOut();
      throw new AppError("UPSTREAM", `Could not fetch ${url.href}: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new AppError("UPSTREAM", `Fetching ${url.href} answered ${response.status}${response.status === 404 ? " (is the repository private, or the path wrong?)" : ""}.`);
    }
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > MAX_CATALOG_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw catalogTooLarge(url.href);
    }
    try {
      return { text: await readCatalogText(response.body, url.href), source: url.href };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (controller.signal.aborted) throw timedOut();
      throw new AppError("UPSTREAM", `Reading ${url.href} failed: ${error instanceof Error ? error.message : String(error)}.`);
    }
  } finally {
    clearTimeout(timer);
  }
}
