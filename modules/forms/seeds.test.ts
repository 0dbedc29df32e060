import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_SLUG } from "../../app/seed-demo.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { departments } from "../../core/identity/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import packageJson from "../../package.json" with { type: "json" };
import { contentHash } from "./definition/content-hash.ts";
import { FormDefinition } from "./definition/form-definition.ts";
import { forms, formVersions } from "./schema.ts";
import { findTemplate } from "./templates/index.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

describe("the demo city's forms", () => {
  it("publishes five templates as version 1, each owned by its department", async () => {
    const { db } = platform.services.database;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    const rows = await db
      .select({ form: forms, version: formVersions, department: departments.code })
      .from(forms)
      .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
      .innerJoin(departments, eq(departments.id, forms.departmentId))
      .where(eq(forms.tenantId, tenant!.id))
      .orderBy(asc(forms.slug));
    expect(rows.map((r) => [r.form.slug, r.department])).toEqual([
      ["hoikusho", "kosodate-ka"],
      ["hokago-club", "kosodate-ka"],
      ["juminhyo", "shimin-ka"],
      ["sodai-gomi", "kankyo-ka"],
      ["survey", "dx-ka"],
    ]);
    for (const { form, version } of rows) {
      const definition = FormDefinition.parse(findTemplate(form.slug)!.definition);
      expect(form).toMatchObject({ status: "published", templateKey: form.slug, draft: definition });
      expect(version).toMatchObject({
        tenantId: tenant!.id,
        formId: form.id,
        number: 1,
        schemaVersion: 1,
        definition,
        contentHash: contentHash(definition),
        appRelease: packageJson.version,
      });
    }

    const ids = rows.map((r) => r.form.id);
    const audits = await db
      .select({ action: auditLog.action, actorType: auditLog.actorType })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant!.id), inArray(auditLog.resourceId, ids)));
    expect(audits.filter((a) => a.action === "forms.form.publish")).toHaveLength(5);
    expect(audits.every((a) => a.actorType === "system")).toBe(true);
    const published = await db
      .select({ payload: domainEvents.payload })
      .from(domainEvents)
      .where(and(eq(domainEvents.tenantId, tenant!.id), eq(domainEvents.name, "forms.form_published")));
    expect(published.map((e) => e.payload["slug"]).toSorted()).toEqual(rows.map((r) => r.form.slug));
  });

  it("lets anyone open the survey, which needs no account", async () => {
    const response = await platform.request("/forms/survey");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("市民アンケート");
  });
});
