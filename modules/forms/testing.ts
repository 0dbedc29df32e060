import { eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { contentHash } from "./definition/content-hash.ts";
import { FormDefinition, type FormDefinitionInput } from "./definition/form-definition.ts";
import { type Form, type FormVersion, forms, formVersions } from "./schema.ts";

/**
 * Test and bench fixture: a form published as version 1 straight into the tables, without staff or audit,
 * for code that needs a live form but is not about building one.
 */
export async function insertPublishedForm(
  db: Db,
  options: { tenantId: string; slug: string; definition: FormDefinitionInput },
): Promise<{ form: Form; version: FormVersion }> {
  const definition = FormDefinition.parse(options.definition);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(forms)
      .values({ tenantId: options.tenantId, slug: options.slug, draft: definition, status: "published" })
      .returning();
    const [version] = await tx
      .insert(formVersions)
      .values({
        tenantId: options.tenantId,
        formId: created!.id,
        number: 1,
        schemaVersion: definition.schema_version,
        definition,
        contentHash: contentHash(definition),
        appRelease: "test",
      })
      .returning();
    const [form] = await tx
      .update(forms)
      .set({ currentVersionId: version!.id })
      .where(eq(forms.id, created!.id))
      .returning();
    return { form: form!, version: version! };
  });
}
