import { describe, expect, it } from "vitest";
import { DORA_REFRESH_MODES, doraRefreshModeSql, setDoraRefreshMode, type TDoraRefreshMode } from "@/lib/dora/refresh-mode";

describe("the DORA refresh mode helper", () => {
  it("sets each mode for the rest of the transaction only (set_config's is_local)", async () => {
    const sent: string[] = [];
    for (const mode of DORA_REFRESH_MODES) await setDoraRefreshMode({ query: async (text) => sent.push(text) }, mode);
    expect(sent).toEqual([
      "SELECT set_config('portside.dora_refresh', 'immediate', true)",
      "SELECT set_config('portside.dora_refresh', 'queued', true)",
      "SELECT set_config('portside.dora_refresh', 'bulk', true)",
    ]);
  });

  it("refuses a mode it does not know (its text goes into SQL)", () => {
    expect(() => doraRefreshModeSql("queue'); DROP TABLE x; --" as TDoraRefreshMode)).toThrow("unknown DORA refresh mode");
  });
});
