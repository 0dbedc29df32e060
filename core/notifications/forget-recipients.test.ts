import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/database.ts";
import { residents } from "../identity/schema.ts";
import { type Tenant, tenants } from "../tenancy/schema.ts";
import { addSecondCity } from "../testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { FORGOTTEN_BEFORE_DELIVERY, forgetNotificationRecipients } from "./forget-recipients.ts";
import { saveTemplate } from "./save-template.ts";
import { notifications } from "./schema.ts";
import { sendNotification } from "./send-notification.ts";

const GUEST = "guest.forget@example.jp";

let platform: TestPlatform;
let db: Db;
let tenant: Tenant;
let otherCity: Tenant;

const rowsOf = (ids: string[]) =>
  db
    .select()
    .from(notifications)
    .where(inArray(notifications.id, ids))
    .orderBy(notifications.createdAt, notifications.channel);

const send = (tenantId: string, reference: string, to: { email: string } | { residentId: string }) =>
  sendNotification(db, {
    tenantId,
    templateKey: "test.forget",
    ...to,
    channels: ["email", "inbox"],
    reference,
    personalisation: { message: "田中様、ご連絡ありがとうございます" },
  });

beforeAll(async () => {
  platform = await createTestPlatform();
  db = platform.services.database.db;
  [tenant] = (await db.select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  otherCity = await addSecondCity(db, {
    slug: "forget-other",
    municipalityCode: "990047",
    hosts: ["forget-other.localhost"],
  });
  for (const tenantId of [tenant.id, otherCity.id]) {
    await saveTemplate(db, {
      tenantId,
      key: "test.forget",
      language: "ja",
      subject: "お知らせ",
      body: "((message))",
    });
  }
}, 120_000);
afterAll(() => platform?.close());

describe("forgetNotificationRecipients", () => {
  it("blanks the address and text of a reference's messages without a resident, and stops undelivered ones", async () => {
    const [delivered] = await send(tenant.id, "FG01-AAAA", { email: GUEST });
    await platform.worker.drain();
    const [refused] = await send(tenant.id, "FG01-AAAA", { email: GUEST });
    await db
      .update(notifications)
      .set({ status: "permanent-failure", statusDetail: `550 <${GUEST}>: Recipient address rejected` })
      .where(eq(notifications.id, refused!));
    const [queued] = await send(tenant.id, "FG01-AAAA", { email: GUEST });
    const [resident] = await db
      .insert(residents)
      .values({ tenantId: tenant.id, email: "resident.forget@example.jp" })
      .returning({ id: residents.id });
    const residentRows = await send(tenant.id, "FG01-AAAA", { residentId: resident!.id });
    const otherReference = await send(tenant.id, "FG01-BBBB", { email: GUEST });
    // The same reference in another city is another city's message.
    const otherCityRows = await send(otherCity.id, "FG01-AAAA", { email: GUEST });
    const untouched = [...residentRows, ...otherReference, ...otherCityRows];
    const before = await rowsOf(untouched);
    const [deliveredBefore] = await rowsOf([delivered!]);
    expect(deliveredBefore).toMatchObject({ status: "delivered", recipient: GUEST });

    const forgotten = await db.transaction((tx) =>
      forgetNotificationRecipients(tx, { tenantId: tenant.id, references: ["FG01-AAAA"] }),
    );
    expect(forgotten).toBe(3);

    const [d, r, q] = await rowsOf([delivered!, refused!, queued!]);
    for (const row of [d, r, q]) {
      expect(row).toMatchObject({ recipient: null, subject: "", body: "" });
    }
    expect(d).toMatchObject({ status: "delivered", statusDetail: deliveredBefore!.statusDetail });
    expect(r).toMatchObject({
      status: "permanent-failure",
      statusDetail: "550 <(deleted)>: Recipient address rejected",
    });
    expect(q).toMatchObject({ status: "permanent-failure", statusDetail: FORGOTTEN_BEFORE_DELIVERY });
    expect(await rowsOf(untouched)).toEqual(before);

    // The queued message's delivery job runs and sends nothing.
    await platform.worker.drain();
    const [afterDrain] = await rowsOf([queued!]);
    expect(afterDrain).toMatchObject({ status: "permanent-failure", recipient: null, sentAt: null });
    expect(JSON.stringify(await rowsOf([delivered!, refused!, queued!]))).not.toContain(GUEST);

    // A second pass finds nothing left to forget and keeps what the first left.
    expect(await forgetNotificationRecipients(db, { tenantId: tenant.id, references: ["FG01-AAAA"] })).toBe(
      0,
    );
    expect((await rowsOf([refused!]))[0]!.statusDetail).toBe("550 <(deleted)>: Recipient address rejected");
    expect(await forgetNotificationRecipients(db, { tenantId: tenant.id, references: [] })).toBe(0);
  });
});
