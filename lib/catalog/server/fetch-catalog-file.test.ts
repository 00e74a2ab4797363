import { describe, expect, it } from "vitest";
import { rawFileUrl } from "@/lib/catalog/server/fetch-catalog-file";

describe("rawFileUrl", () => {
  it("turns a GitHub or GitLab page URL into the raw file's URL", () => {
    expect(rawFileUrl(new URL("https://github.com/acme/payments/blob/main/catalog-info.yaml")).href).toBe(
      "https://raw.githubusercontent.com/acme/payments/main/catalog-info.yaml",
    );
    expect(rawFileUrl(new URL("https://gitlab.com/acme/payments/-/blob/main/catalog-info.yaml")).href).toBe("https://gitlab.com/acme/payments/-/raw/main/catalog-info.yaml");
  });

  it("leaves raw URLs alone", () => {
    const raw = "https://raw.githubusercontent.com/acme/payments/main/catalog-info.yaml";
    expect(rawFileUrl(new URL(raw)).href).toBe(raw);
  });
});
