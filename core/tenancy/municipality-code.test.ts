import { describe, expect, it } from "vitest";
import { isValidMunicipalityCode, municipalityCheckDigit } from "./municipality-code.ts";

describe("municipality codes", () => {
  it("computes the check digit of real codes", () => {
    expect(municipalityCheckDigit("13101")).toBe(6); // 千代田区 131016
    expect(municipalityCheckDigit("41207")).toBe(4); // 鹿島市 412074
    expect(municipalityCheckDigit("46203")).toBe(9); // 鹿屋市 462039
  });

  it("accepts valid and rejects invalid codes", () => {
    expect(isValidMunicipalityCode("131016")).toBe(true);
    expect(isValidMunicipalityCode("412074")).toBe(true);
    expect(isValidMunicipalityCode("462012")).toBe(true); // 鹿児島市
    expect(isValidMunicipalityCode("990019")).toBe(true); // the demo city
    expect(isValidMunicipalityCode("131017")).toBe(false);
    expect(isValidMunicipalityCode("13101")).toBe(false);
    expect(isValidMunicipalityCode("13101a")).toBe(false);
  });
});
