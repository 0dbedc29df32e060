import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { departments } from "../../../core/identity/schema.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import { type Form, forms } from "../schema.ts";

export type InsertFormValues = {
  tenantId: string;
  actor: Actor;
  slug: string;
  departmentId: string | null;
  draft: FormDefinition;
  copiedFromId?: string | null;
  templateKey?: string | null;
};

/**
 * The row every way of making a form (blank, template, duplicate, import) starts with: a draft, owned by a
 * department of this city, under a slug not yet used here. The caller records its own change.
 */
export async function insertForm(tx: Db, values: InsertFormValues): Promise<Form> {
  if (values.departmentId) {
    // The foreign key alone would accept another city's department.
    const [department] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.id, values.departmentId), eq(departments.tenantId, values.tenantId)));
    if (!department) {
      throw problems.invalidRequest([
        { pointer: "/departmentId", detail: "No such department", detailJa: "その部署はありません" },
      ]);
    }
  }
  const [form] = await tx
    .insert(forms)
    .values({
      tenantId: values.tenantId,
      departmentId: values.departmentId,
      slug: values.slug,
      draft: values.draft,
      draftUpdatedBy: values.actor.type === "staff" ? values.actor.id : null,
      copiedFromId: values.copiedFromId ?? null,
      templateKey: values.templateKey ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!form) {
    throw problems.conflict({
      ja: "同じURL名の申請フォームがすでにあります",
      en: "A form with this slug already exists",
    });
  }
  return form;
}
