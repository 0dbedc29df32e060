import { eq } from "drizzle-orm";
import { systemActor } from "../../core/audit/actor.ts";
import { recordChange } from "../../core/events/record-change.ts";
import type { SeedContext } from "../../core/module.ts";
import packageJson from "../../package.json" with { type: "json" };
import { contentHash } from "./definition/content-hash.ts";
import { FormDefinition } from "./definition/form-definition.ts";
import { forms, formVersions } from "./schema.ts";
import { findTemplate } from "./templates/index.ts";

/** The demo city's live forms, each from a shipped template, and the department that owns it. */
const demoForms: { template: string; department: string }[] = [
  { template: "juminhyo", department: "shimin-ka" },
  { template: "sodai-gomi", department: "kankyo-ka" },
  { template: "hokago-club", department: "kosodate-ka" },
  { template: "hoikusho", department: "kosodate-ka" },
  { template: "survey", department: "dx-ka" },
];

/**
 * Publishes a few templates in the demo city as version 1, so residents can try a form at once. Written
 * straight into the seeding transaction (the publish operation locks and re-reads rows it would first
 * have to create), with the same audit records and events the operations write.
 */
export async function seedForms({ tx, tenant, departmentIds }: SeedContext): Promise<void> {
  for (const { template: key, department } of demoForms) {
    const template = findTemplate(key);
    if (!template) {
      throw new Error(`Demo form template ${key} is missing`);
    }
    const definition = FormDefinition.parse(template.definition);
    const [form] = await tx
      .insert(forms)
      .values({
        tenantId: tenant.id,
        departmentId: departmentIds[department] ?? null,
        slug: template.slug,
        draft: definition,
        status: "published",
        templateKey: template.key,
      })
      .returning({ id: forms.id });
    const formId = form!.id;
    const hash = contentHash(definition);
    const [version] = await tx
      .insert(formVersions)
      .values({
        tenantId: tenant.id,
        formId,
        number: 1,
        schemaVersion: definition.schema_version,
        definition,
        contentHash: hash,
        appRelease: packageJson.version,
      })
      .returning({ id: formVersions.id });
    await tx.update(forms).set({ currentVersionId: version!.id }).where(eq(forms.id, formId));
    await recordChange(tx, {
      tenantId: tenant.id,
      actor: systemActor,
      action: "forms.form.create",
      resource: { type: "forms_form", id: formId },
      after: { slug: template.slug, templateKey: template.key },
      event: { name: "forms.form_created", payload: { formId, slug: template.slug } },
    });
    await recordChange(tx, {
      tenantId: tenant.id,
      actor: systemActor,
      action: "forms.form.publish",
      resource: { type: "forms_form", id: formId },
      before: { status: "draft", version: null },
      after: { status: "published", version: 1, contentHash: hash },
      event: { name: "forms.form_published", payload: { formId, slug: template.slug, version: 1 } },
    });
  }
}
