import { describe, expect, it } from "vitest";
import {
  blocksOfDay,
  type ClosureCalendar,
  closedReason,
  computeFee,
  daysBefore,
  findBlock,
  refundAmount,
  refundPercent,
  withinWindow,
} from "./calendar.ts";
import { escapeText, foldLine, icalendar } from "./icalendar.ts";
import { FacilityRules, defaultFacilityRules as rules, UnitSchedule } from "./rules.ts";

const tokyo = (local: string) => new Date(`${local}+09:00`);

describe("fees", () => {
  // 2026-01-14 is a Wednesday, 2026-01-17 a Saturday, 2026-01-12 成人の日 (a Monday holiday).
  const cases: [string, number, string, string, boolean, number][] = [
    ["resident, weekday", 2000, "resident", "2026-01-14", false, 2000],
    ["non-resident ×1.5", 2000, "non_resident", "2026-01-14", false, 3000],
    ["commercial ×3", 2000, "commercial", "2026-01-14", false, 6000],
    ["Saturday ×1.2", 2000, "resident", "2026-01-17", false, 2400],
    ["national holiday ×1.2", 2000, "resident", "2026-01-12", false, 2400],
    ["admission charged ×1.5", 2000, "resident", "2026-01-14", true, 3000],
    ["all together: 1.5 × 1.2 × 1.5", 2600, "non_resident", "2026-01-17", true, 7020],
    ["rounded down to 10 yen", 2345, "non_resident", "2026-01-14", false, 3510],
    ["free stays free", 0, "commercial", "2026-01-17", true, 0],
  ];
  it.each(cases)("%s", (_name, baseFee, userCategory, date, admissionCharged, expected) => {
    expect(computeFee(rules, { baseFee, userCategory, date, admissionCharged })).toBe(expected);
  });

  it("refuses an unknown category rather than guessing a price", () => {
    expect(() =>
      computeFee(rules, { baseFee: 100, userCategory: "vip", date: "2026-01-14", admissionCharged: false }),
    ).toThrow(expect.objectContaining({ status: 409, slug: "user_category_not_in_rules" }));
  });
});

describe("closed days", () => {
  const calendar = (overrides: Partial<ClosureCalendar> = {}): ClosureCalendar => ({
    weeklyClosedDay: 1,
    yearEndClosure: { from: "12-29", to: "01-03" },
    closures: [],
    ...overrides,
  });
  const cases: [string, string, ReturnType<typeof closedReason>][] = [
    ["an ordinary Monday", "2026-01-19", "weekly"],
    ["an ordinary Wednesday", "2026-01-14", null],
    ["Monday that is a holiday opens", "2026-01-12", null],
    ["…and the Tuesday after closes instead", "2026-01-13", "weekly"],
    ["Golden Week: Mon–Wed are holidays, open", "2026-05-06", null],
    ["…so the closure lands on Thursday", "2026-05-07", "weekly"],
    ["a Tuesday after an ordinary Monday is open", "2026-01-20", null],
    ["年末年始 first day", "2026-12-29", "year_end"],
    ["年末年始 last day", "2027-01-03", "year_end"],
    ["the day before 年末年始", "2026-12-28", "weekly"],
    ["the day before 年末年始 (not Monday)", "2026-12-26", null],
  ];
  it.each(cases)("%s (%s)", (_name, date, expected) => {
    expect(closedReason(calendar(), date)).toBe(expected);
  });

  it("follows the facility's own rule when the closed day is a holiday", () => {
    const open = calendar({ closedDayOnHoliday: "open" });
    expect(closedReason(open, "2026-01-12")).toBeNull();
    expect(closedReason(open, "2026-01-13")).toBeNull();
    expect(closedReason(open, "2026-01-19")).toBe("weekly");
    const closed = calendar({ closedDayOnHoliday: "closed" });
    expect(closedReason(closed, "2026-01-12")).toBe("weekly");
    expect(closedReason(closed, "2026-01-13")).toBeNull();
    // A holiday that is not the closed day stays open whatever the rule.
    expect(closedReason(closed, "2026-05-05")).toBeNull();
  });

  it("takes ad-hoc closures and a facility without a weekly closed day", () => {
    const closures = [
      { fromDate: "2026-02-10", toDate: "2026-02-12", reasonJa: "点検", reasonEn: "Inspection" },
    ];
    expect(closedReason(calendar({ weeklyClosedDay: null, closures }), "2026-02-09")).toBeNull();
    expect(closedReason(calendar({ weeklyClosedDay: null, closures }), "2026-02-10")).toBe("closure");
    expect(closedReason(calendar({ weeklyClosedDay: null, closures }), "2026-02-12")).toBe("closure");
    expect(closedReason(calendar({ weeklyClosedDay: null, closures }), "2026-02-13")).toBeNull();
    expect(closedReason(calendar({ yearEndClosure: { from: "12-28", to: "01-04" } }), "2027-01-04")).toBe(
      "year_end",
    );
  });
});

describe("time blocks", () => {
  const blocks = UnitSchedule.parse({
    kind: "blocks",
    blocks: [
      { code: "evening", label: { ja: "夜間", en: "Evening" }, start: "18:00", end: "21:00", fee: 2400 },
      { code: "morning", label: { ja: "午前", en: "Morning" }, start: "09:00", end: "12:00", fee: 2000 },
    ],
  });
  it("lists blocks in time order in Tokyo time", () => {
    const day = blocksOfDay(blocks, "2026-01-14");
    expect(day.map((b) => b.code)).toEqual(["morning", "evening"]);
    expect(day[0]!.startsAt.toISOString()).toBe("2026-01-14T00:00:00.000Z");
    expect(day[1]!.endsAt.toISOString()).toBe("2026-01-14T12:00:00.000Z");
  });
  it("makes hourly slots between opening and closing", () => {
    const hourly = UnitSchedule.parse({ kind: "hourly", opens: "09:00", closes: "12:00", feePerHour: 400 });
    expect(blocksOfDay(hourly, "2026-01-14").map((b) => b.label.ja)).toEqual([
      "09:00–10:00",
      "10:00–11:00",
      "11:00–12:00",
    ]);
  });
  it("finds only exact blocks", () => {
    expect(findBlock(blocks, tokyo("2026-01-14T09:00:00"), tokyo("2026-01-14T12:00:00"))?.code).toBe(
      "morning",
    );
    expect(findBlock(blocks, tokyo("2026-01-14T09:00:00"), tokyo("2026-01-14T11:00:00"))).toBeNull();
    expect(findBlock(blocks, tokyo("2026-01-14T13:00:00"), tokyo("2026-01-14T17:00:00"))).toBeNull();
  });
});

describe("refund table at its boundaries", () => {
  const startsAt = tokyo("2026-03-20T09:00:00");
  const cases: [string, string, number, number][] = [
    ["8 days before", "2026-03-12T23:59:00", 100, 2000],
    ["exactly 7 days before, at midnight", "2026-03-13T00:00:00", 100, 2000],
    ["7 days before, last minute", "2026-03-13T23:59:00", 100, 2000],
    ["6 days before", "2026-03-14T00:00:00", 50, 1000],
    ["2 days before", "2026-03-18T23:59:00", 50, 1000],
    ["the day before", "2026-03-19T00:00:00", 0, 0],
    ["on the day", "2026-03-20T08:00:00", 0, 0],
  ];
  it.each(cases)("%s", (_name, now, percent, amount) => {
    expect(refundPercent(rules, daysBefore(startsAt, tokyo(now)))).toBe(percent);
    expect(refundAmount(rules, 2000, startsAt, tokyo(now))).toBe(amount);
  });
  it("rounds a partial refund down to the yen", () => {
    expect(refundAmount(rules, 2345, startsAt, tokyo("2026-03-15T10:00:00"))).toBe(1172);
  });
});

describe("booking windows", () => {
  const now = tokyo("2026-01-10T12:00:00");
  const cases: [string, string, string, ReturnType<typeof withinWindow>][] = [
    ["resident, 90 days ahead", "resident", "2026-04-10T09:00:00", "ok"],
    ["resident, 91 days ahead", "resident", "2026-04-11T09:00:00", "too_early"],
    ["non-resident, 30 days ahead", "non_resident", "2026-02-09T09:00:00", "ok"],
    ["non-resident, 31 days ahead", "non_resident", "2026-02-10T09:00:00", "too_early"],
    ["later today", "resident", "2026-01-10T18:00:00", "ok"],
    ["already started", "resident", "2026-01-10T09:00:00", "past"],
  ];
  it.each(cases)("%s", (_name, category, startsAt, expected) => {
    expect(withinWindow(rules, category, tokyo(startsAt), now)).toBe(expected);
  });
});

describe("rules are checked data", () => {
  it("rejects a default category that is not defined", () => {
    expect(FacilityRules.safeParse({ ...rules, defaultUserCategory: "nobody" }).success).toBe(false);
    expect(FacilityRules.safeParse(rules).success).toBe(true);
  });
});

describe("iCalendar", () => {
  it("escapes text and folds long lines at 75 octets without splitting characters", () => {
    expect(escapeText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    // A lone CR would end the content line in some readers and let text inject properties.
    expect(escapeText("a\rSUMMARY:x\r\nb")).toBe("a\\nSUMMARY:x\\nb");
    const folded = foldLine(`SUMMARY:${"市民体育館アリーナ".repeat(6)}`);
    for (const line of folded.split("\r\n")) {
      expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    }
    expect(
      folded
        .split("\r\n")
        .map((l, i) => (i === 0 ? l : l.slice(1)))
        .join(""),
    ).toBe(`SUMMARY:${"市民体育館アリーナ".repeat(6)}`);
  });
  it("writes CRLF lines with UID, DTSTAMP and UTC times", () => {
    const text = icalendar({
      name: "予約",
      now: new Date("2026-01-01T00:00:00Z"),
      events: [
        {
          uid: "b1@tenohira",
          startsAt: tokyo("2026-01-14T09:00:00"),
          endsAt: tokyo("2026-01-14T12:00:00"),
          summary: "市民体育館, アリーナ A面",
          location: "中央1-2-3",
          description: "予約番号 R3AC-DEF",
          status: "CONFIRMED",
          updatedAt: new Date("2026-01-01T00:00:00Z"),
        },
      ],
    });
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/\n/);
    expect(text).toContain("\r\nUID:b1@tenohira\r\n");
    expect(text).toContain("\r\nDTSTAMP:20260101T000000Z\r\n");
    expect(text).toContain("\r\nDTSTART:20260114T000000Z\r\n");
    expect(text).toContain("\r\nDTEND:20260114T030000Z\r\n");
    expect(text).toContain("SUMMARY:市民体育館\\, アリーナ A面");
  });
});
