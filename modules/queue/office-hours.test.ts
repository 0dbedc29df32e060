import { describe, expect, it } from "vitest";
import { officeDay, weekdayHours } from "./office-hours.ts";

const office = { hours: weekdayHours, closedOnHolidays: true };
// 10:00 in Tokyo on the given date.
const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+09:00`);

describe("officeDay", () => {
  it("is open on a weekday within hours, on that Tokyo date", () => {
    expect(officeDay(office, {}, at("2026-11-24"))).toEqual({
      open: true,
      date: "2026-11-24",
      hours: { opens: "08:30", closes: "17:00" },
    });
    // 08:00 UTC on the 24th is 17:00 in Tokyo: closing time.
    expect(officeDay(office, {}, new Date("2026-11-24T08:00:00Z"))).toMatchObject({
      open: false,
      reason: "after_hours",
    });
    expect(officeDay(office, {}, at("2026-11-24", "08:29"))).toMatchObject({
      open: false,
      reason: "before_hours",
    });
  });

  it("is closed on weekends without hours, national holidays and 年末年始 (the city's own range too)", () => {
    expect(officeDay(office, {}, at("2026-11-22"))).toMatchObject({ open: false, reason: "closed_day" });
    // 勤労感謝の日 (Monday).
    expect(officeDay(office, {}, at("2026-11-23"))).toMatchObject({ open: false, reason: "closed_day" });
    expect(officeDay(office, {}, at("2026-12-29"))).toMatchObject({ open: false, reason: "closed_day" });
    expect(
      officeDay(office, { yearEndClosure: { from: "12-30", to: "01-03" } }, at("2026-12-29")),
    ).toMatchObject({
      open: true,
    });
  });

  it("opens on holidays when the office is a 休日窓口, and on a Saturday with Saturday hours", () => {
    expect(officeDay({ ...office, closedOnHolidays: false }, {}, at("2026-11-23"))).toMatchObject({
      open: true,
    });
    const saturday = weekdayHours.map((h, i) => (i === 6 ? { opens: "09:00", closes: "12:00" } : h));
    expect(officeDay({ hours: saturday, closedOnHolidays: true }, {}, at("2026-11-21"))).toMatchObject({
      open: true,
    });
  });

  it("closes an office with Saturday hours on a Saturday in 年末年始 or on a national holiday, unless it opens on holidays", () => {
    const saturday = weekdayHours.map((h, i) => (i === 6 ? { opens: "09:00", closes: "12:00" } : h));
    const withSaturdays = { hours: saturday, closedOnHolidays: true };
    // Saturday 30 December 2023, and Saturday 3 May 2025 (憲法記念日).
    expect(officeDay(withSaturdays, {}, at("2023-12-30"))).toMatchObject({
      open: false,
      reason: "closed_day",
    });
    expect(officeDay(withSaturdays, {}, at("2025-05-03"))).toMatchObject({
      open: false,
      reason: "closed_day",
    });
    expect(officeDay({ ...withSaturdays, closedOnHolidays: false }, {}, at("2023-12-30"))).toMatchObject({
      open: true,
    });
  });
});
