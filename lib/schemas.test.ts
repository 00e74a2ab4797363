import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { checkStorableStrings, MAX_DB_ID, parsePathId, parsePathText, safeHref, ZDbId, ZHttpUrl, ZLinkUrl, ZText, ZTimestamp, pageFilters } from "@/lib/schemas";

const LONE_SURROGATES = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "a\uD83Db", "\uDE00x", "\uDE00\uD83D"];

describe("ZText", () => {
  it("takes any well-formed text without NUL, emoji included", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\u0000")),
        (s) => {
          expect(ZText.safeParse(s).success).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  }, 30_000);

  it("refuses NUL anywhere, and says so", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        expect(ZText.safeParse(`${before}\u0000${after}`).error?.issues[0]?.message).toBe("must not contain a NUL character (\\u0000)");
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  it("refuses lone surrogates, however placed, and keeps the checks chained after it", () => {
    for (const s of LONE_SURROGATES) expect(ZText.safeParse(s).error?.issues[0]?.message, JSON.stringify(s)).toBe("must not contain an unpaired surrogate (not valid Unicode)");
    expect(ZText.trim().min(1).safeParse("  ").success).toBe(false);
    expect(ZText.trim().max(3).parse(" abc ")).toBe("abc");
  });
});

describe("ZDbId", () => {
  it("takes 1 to 2147483647 and refuses the rest, naming the range", () => {
    expect(ZDbId.parse(1)).toBe(1);
    expect(ZDbId.parse(MAX_DB_ID)).toBe(MAX_DB_ID);
    expect(ZDbId.safeParse(MAX_DB_ID + 1).error?.issues[0]?.message).toBe("must be an id no larger than 2147483647");
    for (const bad of [0, -1, 1.5, 2 ** 63, Number.NaN, "1", null]) expect(ZDbId.safeParse(bad).success, String(bad)).toBe(false);
  });
});

describe("links", () => {
  it("takes http(s) only, and mailto where a link may be an address", () => {
    for (const url of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:x", "mailto:a@example.com"]) {
      expect(ZHttpUrl.safeParse(url).success, url).toBe(false);
    }
    expect(ZHttpUrl.parse("https://ci.example.com/run/1")).toBe("https://ci.example.com/run/1");
    expect(ZLinkUrl.parse("mailto:oncall@example.com")).toBe("mailto:oncall@example.com");
    expect(ZLinkUrl.safeParse("javascript:alert(1)").success).toBe(false);
    expect(ZHttpUrl.safeParse("https://example.com/\u0000").success).toBe(false);
  });

  it("renders as links only http(s) and mailto, whatever a row holds", () => {
    for (const url of ["javascript:alert(1)", " javascript:alert(1)", "\tjava\nscript:alert(1)", "data:text/html,x", "/relative", "", null, undefined]) expect(safeHref(url), String(url)).toBeUndefined();
    for (const url of ["https://example.com/a", "http://example.com", "mailto:a@example.com"]) expect(safeHref(url)).toBe(url);
  });
});

describe("ZTimestamp", () => {
  it("refuses year 0000 and anything before 1970, with a time zone required", () => {
    expect(ZTimestamp.safeParse("0000-01-01T00:00:00Z").error?.issues[0]?.message).toBe("is before 1970-01-01");
    expect(ZTimestamp.safeParse("1969-12-31T23:59:59Z").success).toBe(false);
    expect(ZTimestamp.safeParse("2026-11-02T10:00:00").success).toBe(false);
    expect(ZTimestamp.parse("1970-01-01T00:00:00Z")).toBe("1970-01-01T00:00:00Z");
  });
});

describe("checkStorableStrings", () => {
  const ZStorable = z.unknown().superRefine(checkStorableStrings);

  it("finds NUL and lone surrogates in values and keys at any depth, with their path", () => {
    expect(ZStorable.safeParse({ a: [{ b: "x\u0000" }] }).error?.issues).toEqual([expect.objectContaining({ path: ["a", 0, "b"], message: "must not contain a NUL character (\\u0000)" })]);
    expect(ZStorable.safeParse({ a: { "k\uD800": 1 } }).error?.issues).toEqual([expect.objectContaining({ path: ["a"], message: "a key must not contain an unpaired surrogate (not valid Unicode)" })]);
  });

  it("walks a value deeper than the stack without overflowing", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(ZStorable.safeParse(deep).success).toBe(false);
  });
});

describe("path parameters", () => {
  it("parses ids from 1 to 2147483647 and refuses the rest with a 400 naming the parameter", () => {
    expect(parsePathId("42")).toBe(42);
    expect(parsePathId(String(MAX_DB_ID))).toBe(MAX_DB_ID);
    for (const raw of ["2147483648", "9223372036854775808", "0", "-1", "1.5", "1e3", "abc", "", " 1", "\u00001"]) {
      const error = (() => {
        try {
          parsePathId(raw, "userId");
        } catch (e) {
          return e;
        }
      })();
      expect(error, raw).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).details).toEqual({ issues: [{ path: "userId", message: "must be a whole number from 1 to 2147483647" }] });
    }
  });

  it("refuses path text PostgreSQL cannot store", () => {
    expect(parsePathText("payments", "slug")).toBe("payments");
    expect(() => parsePathText("pay\u0000ments", "slug")).toThrow(expect.objectContaining({ status: 400, message: "The path's slug must not contain a NUL character (\\u0000)." }));
    expect(() => parsePathText("\uD800", "slug")).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("pageFilters", () => {
  const Z = z.object({ team: z.string().optional(), page: z.coerce.number().int().min(1).optional(), status: z.enum(["open", "active"]).optional() }).strict();

  it("takes the first value of each key the schema knows, drops blanks and unknown keys, over the defaults", () => {
    expect(pageFilters({ team: ["payments", "search"], page: " 2 ", status: "", utm: "x" }, Z, { status: "active" })).toEqual({ team: "payments", page: 2, status: "active" });
  });

  it("falls back to the defaults when a filter is bad", () => {
    expect(pageFilters({ team: "payments", page: "-3" }, Z, { status: "active" })).toEqual({ status: "active" });
  });
});
