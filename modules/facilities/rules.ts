import { z } from "zod";

const Bilingual = z.object({ ja: z.string().min(1), en: z.string().min(1) });
const Time = z.string().refine((time) => /^([01]\d|2[0-3]):[0-5]\d$/.test(time), {
  message: "Use HH:MM, e.g. 09:00",
  params: { ja: "HH:MM の形式で入力してください（例 09:00）" },
});

/** A 利用区分: who books, the fee coefficient it pays (市外 ×1.5, 営利 ×3…) and how far ahead it may book. */
export const UserCategory = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/),
  name: Bilingual,
  feeCoefficient: z.number().min(0).max(100),
  /** Days ahead of today (Tokyo) the category may book, e.g. 市内 90, 市外 30. */
  bookingWindowDays: z.number().int().min(0).max(730),
});
export type UserCategory = z.infer<typeof UserCategory>;

/** One row of the refund table: cancelling at least `minDaysBefore` days before the use day refunds `percent`. */
export const RefundStep = z.object({
  minDaysBefore: z.number().int().min(0),
  percent: z.number().int().min(0).max(100),
});

/** The city's booking rules, per tenant, as data: nothing here is hard-coded per city. */
export const FacilityRules = z
  .object({
    userCategories: z.array(UserCategory).min(1),
    /** The category of a resident staff have not classified (and of a booking without a group). */
    defaultUserCategory: z.string(),
    /** 土日祝 surcharge, e.g. 1.2. */
    weekendHolidayMultiplier: z.number().min(1).max(10),
    /** 入場料を徴収する利用, e.g. 1.5. */
    admissionChargedMultiplier: z.number().min(1).max(10),
    /** Fees are rounded down to this many yen (10 = 10円未満切り捨て). */
    feeRoundingYen: z.number().int().min(1).max(1000),
    /** Steps from the most generous; cancelling later than every step refunds nothing. */
    refundTable: z.array(RefundStep),
    /** Minutes a 仮予約 stays held for payment before it expires. */
    paymentDeadlineMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30),
    penalties: z.object({
      noShowPoints: z.number().min(0),
      lateCancelPoints: z.number().min(0),
      /** Cancelling fewer than this many days before the use day is a late cancellation. */
      lateCancelDaysBefore: z.number().int().min(0),
      /** Points counted over this many days… */
      windowDays: z.number().int().min(1),
      /** …reaching this many suspend booking… */
      suspensionThreshold: z.number().min(0.5),
      /** …for this many days after the last penalty. */
      suspensionDays: z.number().int().min(1),
    }),
  })
  .refine((rules) => rules.userCategories.some((c) => c.code === rules.defaultUserCategory), {
    message: "defaultUserCategory must be one of userCategories",
  });
export type FacilityRules = z.infer<typeof FacilityRules>;

const Block = z.object({
  code: z.string().regex(/^[a-z0-9_]{1,30}$/),
  label: Bilingual,
  start: Time,
  end: Time,
  /** Base fee in yen (市内, weekday, no admission charged). */
  fee: z.number().int().min(0),
});

/**
 * When a unit can be booked and its base fees: fixed blocks (午前 9–12, 午後 13–17, 夜間 18–21) or hourly
 * slots between opening and closing.
 */
export const UnitSchedule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("blocks"), blocks: z.array(Block).min(1) }),
  z.object({ kind: z.literal("hourly"), opens: Time, closes: Time, feePerHour: z.number().int().min(0) }),
]);
export type UnitSchedule = z.infer<typeof UnitSchedule>;

export const YearEndClosureSetting = z.object({
  from: z.string().regex(/^\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{2}-\d{2}$/),
});

/** The rules a city starts with (調布-like refunds, ネットあいち-like penalties), changed as data per city. */
export const defaultFacilityRules: FacilityRules = {
  userCategories: [
    { code: "resident", name: { ja: "市内", en: "Resident" }, feeCoefficient: 1, bookingWindowDays: 90 },
    {
      code: "non_resident",
      name: { ja: "市外", en: "Non-resident" },
      feeCoefficient: 1.5,
      bookingWindowDays: 30,
    },
    { code: "commercial", name: { ja: "営利", en: "Commercial" }, feeCoefficient: 3, bookingWindowDays: 30 },
  ],
  defaultUserCategory: "resident",
  weekendHolidayMultiplier: 1.2,
  admissionChargedMultiplier: 1.5,
  feeRoundingYen: 10,
  refundTable: [
    { minDaysBefore: 7, percent: 100 },
    { minDaysBefore: 2, percent: 50 },
  ],
  paymentDeadlineMinutes: 30,
  penalties: {
    noShowPoints: 2,
    lateCancelPoints: 1,
    lateCancelDaysBefore: 2,
    windowDays: 90,
    suspensionThreshold: 4,
    suspensionDays: 90,
  },
};

const MonthDay = z.string().refine((day) => /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(day), {
  message: "Use MM-DD, e.g. 12-29",
  params: { ja: "MM-DD の形式で入力してください（例 12-29）" },
});

/** A facility as staff set it up (facilities_facilities without its id and tenant). */
export const FacilitySettings = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, "a-z, 0-9, -"),
  name: Bilingual,
  address: z.object({ ja: z.string().max(200), en: z.string().max(200) }),
  ordinanceRef: z.string().max(200),
  /** 0 = Sunday … 6 = Saturday; null = no weekly closed day. */
  weeklyClosedDay: z.number().int().min(0).max(6).nullable(),
  closedDayOnHoliday: z.enum(["next_day", "open", "closed"]),
  /** The facility's own 年末年始; null = the city's. */
  yearEndClosure: z.object({ from: MonthDay, to: MonthDay }).nullable(),
});
export type FacilitySettings = z.infer<typeof FacilitySettings>;

/** A room or court as staff set it up: its names, capacity and schedule with base fees. */
export const UnitSettings = z.object({
  name: Bilingual,
  capacity: z.number().int().min(1).max(100_000),
  schedule: UnitSchedule.superRefine((schedule, context) => {
    const ranges =
      schedule.kind === "blocks"
        ? schedule.blocks.map((b, index) => ({ start: b.start, end: b.end, path: ["blocks", index, "end"] }))
        : [{ start: schedule.opens, end: schedule.closes, path: ["closes"] }];
    for (const range of ranges) {
      if (range.end <= range.start) {
        context.addIssue({
          code: "custom",
          path: range.path,
          message: "Must be after the start",
          params: { ja: "開始より後の時刻にしてください" },
        });
      }
    }
    if (schedule.kind === "blocks") {
      const sorted = [...schedule.blocks].sort((a, b) => a.start.localeCompare(b.start));
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i]!.start < sorted[i - 1]!.end) {
          context.addIssue({
            code: "custom",
            path: ["blocks", schedule.blocks.indexOf(sorted[i]!), "start"],
            message: "Overlaps another time block",
            params: { ja: "ほかの時間帯と重なっています" },
          });
        }
      }
    }
  }),
});
export type UnitSettings = z.infer<typeof UnitSettings>;

const CalendarDateText = z.iso.date();

/** An ad-hoc closure (点検, 工事): inclusive Tokyo dates and the reason residents see. */
export const ClosureSettings = z
  .object({
    fromDate: CalendarDateText,
    toDate: CalendarDateText,
    reason: Bilingual,
  })
  .refine((closure) => closure.toDate >= closure.fromDate, {
    path: ["toDate"],
    message: "Must not be before the first day",
    params: { ja: "開始日より前の日付は指定できません" },
  });
export type ClosureSettings = z.infer<typeof ClosureSettings>;
