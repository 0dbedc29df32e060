import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  businessDaysUntil,
  endOfTokyoDay,
  isBusinessDay,
  isCalendarDate,
  isHolidayOrYearEnd,
  startOfTokyoDay,
  tokyoDate,
} from "./business-days.ts";

describe("tokyoDate", () => {
  it("reads an instant as its calendar date in Japan", () => {
    expect(tokyoDate(new Date("2026-05-01T14:59:59Z"))).toBe("2026-05-01");
    // 00:00 JST on 2 May is still 1 May in UTC.
    expect(tokyoDate(new Date("2026-05-01T15:00:00Z"))).toBe("2026-05-02");
  });

  it("gives the instants a Tokyo day starts and ends", () => {
    expect(startOfTokyoDay("2026-05-07").toISOString()).toBe("2026-05-06T15:00:00.000Z");
    expect(endOfTokyoDay("2026-05-07").toISOString()).toBe("2026-05-07T15:00:00.000Z");
    expect(() => endOfTokyoDay("2026-5-7")).toThrow(RangeError);
  });
});

describe("isBusinessDay", () => {
  it.each([
    ["2026-05-01", true, "a Friday between holidays"],
    ["2026-05-02", false, "Saturday"],
    ["2026-05-03", false, "Sunday and 憲法記念日"],
    ["2026-04-29", false, "昭和の日 (Wednesday)"],
    ["2026-05-04", false, "みどりの日"],
    ["2026-05-05", false, "こどもの日"],
    ["2026-05-06", false, "振替休日 for 憲法記念日 on a Sunday"],
    ["2025-02-24", false, "振替休日 for 天皇誕生日 on a Sunday"],
    ["2024-11-04", false, "振替休日 for 文化の日 on a Sunday"],
    ["2026-09-22", false, "国民の休日 between 敬老の日 and 秋分の日"],
    ["2026-12-28", true, "仕事納め"],
    ["2026-12-29", false, "年末年始 starts"],
    ["2026-12-31", false, "大晦日"],
    ["2027-01-01", false, "元日"],
    ["2027-01-03", false, "年末年始 ends"],
    ["2027-01-04", true, "仕事始め"],
  ])("%s is %s (%s)", (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it("reads a Date in Tokyo time", () => {
    // 2026-05-01 16:00 UTC is Saturday 2 May 01:00 in Tokyo.
    expect(isBusinessDay(new Date("2026-05-01T16:00:00Z"))).toBe(false);
    expect(isBusinessDay(new Date("2026-05-01T14:00:00Z"))).toBe(true);
  });

  it("follows the city's own year-end closure, or none", () => {
    const closure = { from: "12-28", to: "01-04" };
    expect(isBusinessDay("2026-12-28", { yearEndClosure: closure })).toBe(false);
    expect(isBusinessDay("2027-01-04", { yearEndClosure: closure })).toBe(false);
    expect(isBusinessDay("2027-01-05", { yearEndClosure: closure })).toBe(true);
    expect(isBusinessDay("2026-12-29", { yearEndClosure: null })).toBe(true);
    // A closure that does not span the new year.
    expect(isBusinessDay("2026-08-13", { yearEndClosure: { from: "08-13", to: "08-14" } })).toBe(false);
    expect(() => isBusinessDay("2026-08-13", { yearEndClosure: { from: "8-13", to: "08-14" } })).toThrow();
  });
});

describe("addBusinessDays", () => {
  it("counts from the next day and skips weekends", () => {
    expect(addBusinessDays("2026-06-05", 3)).toBe("2026-06-10"); // Fri → Wed
    expect(addBusinessDays("2026-06-06", 3)).toBe("2026-06-10"); // Sat → Wed
    expect(addBusinessDays("2026-06-08", 1)).toBe("2026-06-09");
  });

  it("skips Golden Week", () => {
    expect(addBusinessDays("2026-04-28", 1)).toBe("2026-04-30");
    expect(addBusinessDays("2026-05-01", 1)).toBe("2026-05-07");
    expect(addBusinessDays("2026-04-30", 3)).toBe("2026-05-08");
  });

  it("skips 年末年始 and the weekend next to it", () => {
    expect(addBusinessDays("2026-12-28", 1)).toBe("2027-01-04");
    expect(addBusinessDays("2026-12-25", 3)).toBe("2027-01-05");
    expect(addBusinessDays("2026-12-28", 1, { yearEndClosure: null })).toBe("2026-12-29");
  });

  it("skips substitute holidays", () => {
    expect(addBusinessDays("2025-02-21", 1)).toBe("2025-02-25");
    expect(addBusinessDays("2026-09-18", 1)).toBe("2026-09-24"); // シルバーウィーク
  });

  it("takes an instant as its Tokyo date", () => {
    // Friday 1 May 23:30 JST.
    expect(addBusinessDays(new Date("2026-05-01T14:30:00Z"), 1)).toBe("2026-05-07");
    // Saturday 2 May 00:30 JST: n = 0 rolls forward to the next business day.
    expect(addBusinessDays(new Date("2026-05-01T15:30:00Z"), 0)).toBe("2026-05-07");
    expect(addBusinessDays("2026-05-07", 0)).toBe("2026-05-07");
  });

  it("counts back with a negative n", () => {
    expect(addBusinessDays("2026-05-07", -1)).toBe("2026-05-01");
    expect(addBusinessDays("2027-01-04", -2)).toBe("2026-12-25");
  });

  it("refuses fractions and a closure that closes every day", () => {
    expect(() => addBusinessDays("2026-05-07", 1.5)).toThrow(RangeError);
    const always = { yearEndClosure: { from: "01-01", to: "12-31" } };
    expect(() => addBusinessDays("2026-05-07", 1, always)).toThrow(RangeError);
    expect(() => addBusinessDays("2026-05-07", 0, always)).toThrow(RangeError);
  });
});

describe("isCalendarDate", () => {
  it("accepts real days from 2000 to 2100 only, refusing what Date would roll over", () => {
    expect(isCalendarDate("2025-02-28")).toBe(true);
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2100-12-31")).toBe(true);
    for (const bad of [
      "2025-02-30",
      "2025-02-29",
      "2025-13-01",
      "9999-12-31",
      "1999-12-31",
      "2025-2-3",
      "",
      null,
    ]) {
      expect(isCalendarDate(bad), String(bad)).toBe(false);
    }
  });
});

describe("isHolidayOrYearEnd", () => {
  it("names national holidays and the year-end closure whatever the weekday", () => {
    expect(isHolidayOrYearEnd("2023-12-30")).toBe(true); // a Saturday in 年末年始
    expect(isHolidayOrYearEnd("2025-05-03")).toBe(true); // 憲法記念日, a Saturday
    expect(isHolidayOrYearEnd("2025-05-10")).toBe(false); // an ordinary Saturday
    expect(isHolidayOrYearEnd("2023-12-30", { yearEndClosure: null })).toBe(false);
  });
});

describe("businessDaysUntil", () => {
  it("counts the business days after today up to the due date, skipping weekends and holidays", () => {
    // Friday 20 November 2026 to Tuesday the 24th: the weekend and 勤労感謝の日 (Monday the 23rd) do not count.
    expect(businessDaysUntil("2026-11-20", "2026-11-24")).toBe(1);
    expect(businessDaysUntil("2026-11-20", "2026-11-20")).toBe(0);
    expect(businessDaysUntil("2026-11-24", "2026-11-20")).toBeNull();
    // 年末年始: Monday 28 December 2026 to Monday 4 January 2027 is one business day.
    expect(businessDaysUntil("2026-12-28", "2027-01-04")).toBe(1);
    expect(businessDaysUntil("2026-12-28", "2027-01-04", { yearEndClosure: null })).toBe(4);
  });

  it("reads instants in Tokyo time and stops counting at the cap", () => {
    // 23:30 UTC on the 19th is already Friday the 20th in Tokyo.
    expect(businessDaysUntil(new Date("2026-11-19T23:30:00Z"), new Date("2026-11-24T14:59:59Z"))).toBe(1);
    expect(businessDaysUntil("2026-01-05", "2030-01-05", {}, 10)).toBe(10);
  });
});
