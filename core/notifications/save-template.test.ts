import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { saveTemplate } from "./save-template.ts";
import { notificationTemplates } from "./schema.ts";

let platform: TestPlatform;
let tenantId: string;
beforeAll(async () => {
  platform = await createTestPlatform();
  const [tenant] = await platform.services.database.db
    .select()
    .from(tenants)
    .where(eq(tenants.slug, "tenohira"));
  tenantId = tenant!.id;
});
afterAll(() => platform.close());

const versionsOf = async (key: string, language: "ja" | "en") =>
  platform.services.database.db
    .select({ version: notificationTemplates.version, subject: notificationTemplates.subject })
    .from(notificationTemplates)
    .where(
      and(
        eq(notificationTemplates.tenantId, tenantId),
        eq(notificationTemplates.key, key),
        eq(notificationTemplates.language, language),
      ),
    )
    .orderBy(notificationTemplates.version);

describe("saveTemplate", () => {
  it("starts at version 1 and keeps it while the text is unchanged", async () => {
    const { db } = platform.services.database;
    const options = {
      tenantId,
      key: "test.unchanged",
      language: "ja" as const,
      subject: "件名",
      body: "本文",
    };
    const first = await saveTemplate(db, options);
    expect(first.version).toBe(1);
    expect(await saveTemplate(db, options)).toEqual(first);
    expect(await versionsOf("test.unchanged", "ja")).toHaveLength(1);
  });

  it("adds a version when the subject or the body changes, keeping the old ones", async () => {
    const { db } = platform.services.database;
    const base = { tenantId, key: "test.changes", language: "ja" as const, subject: "件名", body: "本文" };
    const v1 = await saveTemplate(db, base);
    const v2 = await saveTemplate(db, { ...base, subject: "新しい件名" });
    const v3 = await saveTemplate(db, { ...base, subject: "新しい件名", body: "新しい本文" });
    const v3again = await saveTemplate(db, { ...base, subject: "新しい件名", body: "新しい本文" });
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    expect(new Set([v1.id, v2.id, v3.id]).size).toBe(3);
    expect(v3again).toEqual(v3);
    // Going back to earlier text is a change from the latest version, so it is a new version too.
    const v4 = await saveTemplate(db, base);
    expect(v4.version).toBe(4);
    expect((await versionsOf("test.changes", "ja")).map((row) => row.subject)).toEqual([
      "件名",
      "新しい件名",
      "新しい件名",
      "件名",
    ]);
  });

  it("versions each language separately", async () => {
    const { db } = platform.services.database;
    const ja = await saveTemplate(db, {
      tenantId,
      key: "test.languages",
      language: "ja",
      subject: "件名",
      body: "本文",
    });
    const en = await saveTemplate(db, {
      tenantId,
      key: "test.languages",
      language: "en",
      subject: "Subject",
      body: "Body",
    });
    expect(ja.version).toBe(1);
    expect(en.version).toBe(1);
    expect(ja.id).not.toBe(en.id);
  });
});
