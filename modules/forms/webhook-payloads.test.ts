import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { recordChange } from "../../core/events/record-change.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { verifyWebhookSignature } from "../../core/webhooks/verify-signature.ts";
import { applications } from "./schema.ts";
import { insertPublishedForm } from "./testing.ts";

let platform: TestPlatform;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const receiver = createServer((request, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => {
    body += chunk;
  });
  request.on("end", () => {
    received.push({ headers: request.headers, body });
    response.end("ok");
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  platform = await createTestPlatform({ config: { webhooksAllowPrivateNetworks: "true" } });
});
afterAll(async () => {
  await platform.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("forms.application_submitted webhook", () => {
  it("is offered to endpoints, and carries the whole application so the core system re-types nothing", async () => {
    const db = platform.services.database.db;
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    const events = (await (
      await platform.request("/staff/api/webhooks/events", { headers: admin })
    ).json()) as {
      events: { name: string }[];
    };
    expect(events.events.map((e) => e.name)).toContain("forms.application_submitted");
    const { port } = receiver.address() as AddressInfo;
    const created = await platform.request("/staff/api/webhooks", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/juki`, events: ["forms.application_submitted"] }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, "tenohira"));
    const { form, version } = await insertPublishedForm(db, {
      tenantId: tenant!.id,
      slug: "inkan-toroku",
      definition: {
        schema_version: 1,
        title: { ja: "印鑑登録申請", en: "Seal registration" },
        pages: [
          {
            key: "p",
            title: { ja: "申請者" },
            fields: [
              { key: "applicant", type: "name", label: { ja: "氏名", en: "Name" } },
              { key: "birth_date", type: "date", label: { ja: "生年月日", en: "Date of birth" } },
            ],
          },
        ],
      },
    });
    await db.transaction(async (tx) => {
      const [application] = await tx
        .insert(applications)
        .values({
          tenantId: tenant!.id,
          formId: form.id,
          formVersionId: version.id,
          answers: { applicant: { name: "髙橋 一郎", kana: "タカハシ イチロウ" }, birth_date: "1980-04-01" },
          locale: "ja",
          channel: "web",
          referenceNumber: "C4D6-E7F9",
          submittedAt: new Date("2026-05-01T01:02:03Z"),
          feeAmount: 300,
          paymentStatus: "unpaid",
        })
        .returning();
      // What submitting publishes (submit-application.ts).
      await recordChange(tx, {
        tenantId: tenant!.id,
        actor: systemActor,
        action: "forms.application.submit",
        resource: { type: "forms_application", id: application!.id },
        event: {
          name: "forms.application_submitted",
          payload: { applicationId: application!.id, formId: form.id, referenceNumber: "C4D6-E7F9" },
        },
      });
    });
    await platform.worker.drain();

    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.headers["tenohira-event"]).toBe("forms.application_submitted");
    expect(
      verifyWebhookSignature({
        secret,
        header: delivery!.headers["tenohira-signature"] as string,
        body: delivery!.body,
      }).ok,
    ).toBe(true);
    const { data } = JSON.parse(delivery!.body) as { data: Record<string, unknown> };
    expect(data).toEqual({
      applicationId: expect.any(String),
      referenceNumber: "C4D6-E7F9",
      form: {
        id: form.id,
        slug: "inkan-toroku",
        title: { ja: "印鑑登録申請", en: "Seal registration" },
        version: 1,
      },
      submittedAt: "2026-05-01T01:02:03.000Z",
      channel: "web",
      locale: "ja",
      fee: 300,
      paymentStatus: "unpaid",
      answers: {
        applicant: {
          key: "applicant",
          type: "name",
          label: { ja: "氏名", en: "Name" },
          value: { name: "髙橋 一郎", kana: "タカハシ イチロウ" },
          text: "髙橋 一郎（タカハシ イチロウ）",
          provenance: null,
        },
        birth_date: {
          key: "birth_date",
          type: "date",
          label: { ja: "生年月日", en: "Date of birth" },
          value: "1980-04-01",
          text: "昭和55年4月1日（1980-04-01）",
          provenance: null,
        },
      },
    });
  });
});
