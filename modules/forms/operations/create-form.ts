import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { FORM_SCHEMA_VERSION, FormDefinition } from "../definition/form-definition.ts";
import { insertForm } from "../staff/insert-form.ts";
import { findTemplate } from "../templates/index.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type CreateFormOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  slug: string;
  departmentId: string | null;
  /** Start from one of the shipped templates instead of a blank form. */
  templateKey?: string | undefined;
  requestId?: string | null;
};

/** The smallest valid form: staff rename and extend it in the builder. */
export function blankDefinition(): FormDefinition {
  return FormDefinition.parse({
    schema_version: FORM_SCHEMA_VERSION,
    title: { ja: "新しい申請フォーム", en: "New application form" },
    pages: [
      {
        key: "p1",
        title: { ja: "ページ 1", en: "Page 1" },
        fields: [{ key: "q1", type: "text", label: { ja: "質問 1", en: "Question 1" } }],
      },
    ],
  });
}

/** Starts a form as a draft, blank or from a template; residents see nothing until it is published. */
export async function createForm({
  tx,
  tenantId,
  actor,
  slug,
  departmentId,
  templateKey,
  requestId,
}: CreateFormOptions): Promise<FormDetail> {
  let draft = blankDefinition();
  if (templateKey !== undefined) {
    const template = findTemplate(templateKey);
    if (!template) {
      throw problems.invalidRequest([
        { pointer: "/templateKey", detail: "No such template", detailJa: "そのテンプレートはありません" },
      ]);
    }
    draft = FormDefinition.parse(template.definition);
  }
  const form = await insertForm(tx, {
    tenantId,
    actor,
    slug,
    departmentId,
    draft,
    templateKey: templateKey ?? null,
  });
  await recordChange(tx, {
    tenantId,
    actor,
    action: "forms.form.create",
    resource: { type: "forms_form", id: form.id },
    after: { slug, departmentId, templateKey: templateKey ?? null, draft },
    event: { name: "forms.form_created", payload: { formId: form.id, slug } },
    requestId: requestId ?? null,
  });
  return getForm({ db: tx, tenantId, formId: form.id });
}
