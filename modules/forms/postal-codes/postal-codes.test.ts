import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../../../core/testing/test-platform.ts";
import { importPostalCodes, parseKenAll } from "./import-postal-codes.ts";

// Lines in the shape of Japan Post's utf_ken_all.csv.
const sample = [
  '46203,"893  ","8930000","ｶｺﾞｼﾏｹﾝ","ｶﾉﾔｼ","ｲｶﾆｹｲｻｲｶﾞﾅｲﾊﾞｱｲ","鹿児島県","鹿屋市","以下に掲載がない場合",0,0,0,0,0,0',
  '46203,"893  ","8930014","ｶｺﾞｼﾏｹﾝ","ｶﾉﾔｼ","ｺﾄﾌﾞｷﾁｮｳ","鹿児島県","鹿屋市","寿",0,0,1,0,0,0',
  '46201,"892  ","8920816","ｶｺﾞｼﾏｹﾝ","ｶｺﾞｼﾏｼ","ﾔﾏｼﾀﾁｮｳ","鹿児島県","鹿児島市","山下町",0,0,0,0,0,0',
  '46201,"892  ","8928677","ｶｺﾞｼﾏｹﾝ","ｶｺﾞｼﾏｼ","ﾔﾏｼﾀﾁｮｳ","鹿児島県","鹿児島市","山下町（１１－１）",0,0,0,0,0,0',
  "not,a,row",
].join("\r\n");

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
  await importPostalCodes({
    db: platform.services.database.db,
    rows: parseKenAll(new TextEncoder().encode(sample)),
  });
});
afterAll(() => platform.close());

describe("postal code address fill", () => {
  it("parses KEN_ALL, dropping placeholder towns and building notes", () => {
    const rows = parseKenAll(new TextEncoder().encode(sample));
    expect(rows).toEqual([
      { postalCode: "8930000", prefecture: "鹿児島県", city: "鹿屋市", town: "" },
      { postalCode: "8930014", prefecture: "鹿児島県", city: "鹿屋市", town: "寿" },
      { postalCode: "8920816", prefecture: "鹿児島県", city: "鹿児島市", town: "山下町" },
      { postalCode: "8928677", prefecture: "鹿児島県", city: "鹿児島市", town: "山下町" },
    ]);
  });

  it("answers the address for a postal code, and 404 for an unknown or malformed one", async () => {
    const found = await platform.request("/forms/postal-codes/8930014");
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ address: "鹿児島県鹿屋市寿" });
    expect((await platform.request("/forms/postal-codes/1000001")).status).toBe(404);
    expect((await platform.request("/forms/postal-codes/abc")).status).toBe(404);
  });
});
