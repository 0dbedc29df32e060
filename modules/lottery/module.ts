import { count, eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { defineModule } from "../../core/module.ts";
import { drawDueRoundsJob, releaseDueRoundsJob } from "./jobs.ts";
import { lotteryMessages } from "./messages.ts";
import { lotteryPages } from "./pages.ts";
import { lotteryRecords } from "./resident-records.ts";
import { rounds } from "./schema.ts";
import { seedLottery } from "./seeds.ts";
import { lotteryStaffPages } from "./staff-pages.ts";
import { followWonBookings } from "./subscribers.ts";
import { verifyDrawCommand } from "./verify-command.ts";

/** 抽選: popular facility slots drawn among applicants, auditably, before they open first-come. */
export const lotteryModule = defineModule({
  id: "lottery",
  name: { ja: "抽選", en: "Lottery" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: new Hono<AppEnv>().route("/", lotteryPages).route("/", lotteryStaffPages),
  jobs: [drawDueRoundsJob, releaseDueRoundsJob],
  subscribers: [followWonBookings],
  residentRecords: lotteryRecords,
  commands: [verifyDrawCommand],
  staffPages: [
    { href: "/staff/lottery", label: { ja: "抽選", en: "Lotteries" }, verb: "lottery.round.read" },
  ],
  permissions: [
    {
      verb: "lottery.round.read",
      roles: ["department_manager", "staff", "read_only"],
      description: { ja: "抽選と申込・結果を見る", en: "See lotteries, their entries and results" },
    },
    {
      verb: "lottery.round.manage",
      roles: ["department_manager", "staff"],
      description: {
        ja: "抽選を作成し、抽選を実行し、残り枠を公開する",
        en: "Create lotteries, run draws and release leftovers",
      },
    },
  ],
  messages: lotteryMessages,
  seed: seedLottery,
  async residentEntries(db, tenantId) {
    const [row] = await db.select({ n: count() }).from(rounds).where(eq(rounds.tenantId, tenantId));
    return (row?.n ?? 0) > 0
      ? [{ href: "/lottery", label: { ja: "施設の抽選申込", en: "Facility lotteries" } }]
      : [];
  },
});
