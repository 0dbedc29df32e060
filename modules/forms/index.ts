import { and, eq } from "drizzle-orm";
import type { Actor } from "../../core/audit/actor.ts";
import type { Db } from "../../core/db/database.ts";
import { recordChange } from "../../core/events/record-change.ts";
import type { Html } from "../../core/http/layout.ts";
import type { Translator } from "../../core/i18n/i18n.ts";
import packageJson from "../../package.json" with { type: "json" };
import type { Answers, FieldProblem } from "./definition/answers.ts";
import { contentHash } from "./definition/content-hash.ts";
import { displayAnswer, localized } from "./definition/display-answer.ts";
import {
  type Field,
  FormDefinition,
  type FormDefinitionInput,
  type Page,
} from "./definition/form-definition.ts";
import { checkPage, computeValues, type PageInput } from "./definition/validate-page.ts";
import { withoutGroupItem } from "./runner/posted-input.ts";
import { renderField } from "./runner/render-field.ts";
import { forms, formVersions } from "./schema.ts";

export { formsModule } from "./module.ts";
export type { Answers, FieldProblem, FormDefinitionInput, PageInput };

/**
 * The questions of a published form, for another module that asks them inside its own page (e.g. the
 * pre-questions of a counter appointment): every page's questions on one page. Files and signatures need the
 * application runner's uploads, so they are left out.
 */
export type FormQuestions = {
  formId: string;
  versionId: string;
  slug: string;
  title: { ja: string; en: string };
  /** All pages' questions as one page, checked and drawn by the forms runner's own code. */
  page: Page;
  definition: FormDefinition;
};

function questionsOf(
  form: { id: string; slug: string },
  versionId: string,
  definition: FormDefinition,
): FormQuestions {
  const fields = definition.pages
    .flatMap((page) => page.fields)
    .filter((field: Field) => field.type !== "file" && field.type !== "signature");
  return {
    formId: form.id,
    versionId,
    slug: form.slug,
    title: { ja: definition.title.ja, en: definition.title.en ?? definition.title.ja },
    page: { key: definition.pages[0]!.key, title: definition.title, fields },
    definition,
  };
}

/** The current version of a published form of the city, by slug; null when there is none. */
export async function loadFormQuestions(
  db: Db,
  o: { tenantId: string; slug: string },
): Promise<FormQuestions | null> {
  const [row] = await db
    .select({ form: forms, version: formVersions })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.tenantId, o.tenantId), eq(forms.slug, o.slug), eq(forms.status, "published")));
  return row ? questionsOf(row.form, row.version.id, FormDefinition.parse(row.version.definition)) : null;
}

/**
 * Checks posted answers with the runner's validator: the same messages, conditions and normalisation as an
 * application. `input` must hold only the questions' inputs (and _csrf, _action, _idempotency, lang).
 */
export function checkFormAnswers(
  questions: FormQuestions,
  input: PageInput,
  now = new Date(),
): { answers: Answers; problems: FieldProblem[] } {
  return checkPage({ form: questions.definition, page: questions.page, input, current: {}, now });
}

/** The questions drawn by the runner's own field renderer, with what was posted or saved, and the errors. */
export function renderFormQuestions(
  questions: FormQuestions,
  state: {
    lang: "ja" | "en";
    t: Translator;
    answers: Answers;
    posted: PageInput | null;
    errors: Record<string, string>;
  },
): Html[] {
  const fieldState = {
    lang: state.lang,
    t: state.t,
    posted: state.posted,
    errors: state.errors,
    pageKeys: new Set(
      questions.page.fields.flatMap((f) => [
        f.key,
        ...(f.type === "group" ? f.fields.map((m) => m.key) : []),
      ]),
    ),
    computed: computeValues(questions.definition, state.answers),
  };
  return questions.page.fields.map((field) =>
    renderField(field, { ...fieldState, value: state.answers[field.key] ?? null }),
  );
}

/**
 * The runner's "add an item" / "remove item n" buttons of a repeating group, without JavaScript: the posted
 * inputs with the group grown or shrunk, or null when `action` is not one of them.
 */
export function regroupPostedAnswers(
  questions: FormQuestions,
  input: PageInput,
  action: string,
): PageInput | null {
  const [verb, key = "", index = "0"] = action.split(":");
  const group = questions.page.fields.find((field) => field.key === key);
  if ((verb !== "add" && verb !== "remove") || group?.type !== "group") {
    return null;
  }
  const count = Number(input.get(`${key}.count`)?.[0] ?? 1);
  return verb === "add"
    ? new Map(input).set(`${key}.count`, [String(Math.min(group.maxItems, count + 1))])
    : withoutGroupItem(input, key, Number(index));
}

/** The answers as people read them (choices by label, dates with 和暦), in both languages, question by question. */
export function describeFormAnswers(
  questions: FormQuestions,
  answers: Answers,
): { label: { ja: string; en: string }; value: { ja: string; en: string } }[] {
  return questions.page.fields.flatMap((field) => {
    if (field.type === "info" || field.type === "computed" || answers[field.key] == null) {
      return [];
    }
    const value = answers[field.key] ?? null;
    const shown = (lang: "ja" | "en") =>
      field.type === "group"
        ? ((value as Record<string, unknown>[]) ?? [])
            .map((item) =>
              field.fields
                .filter((member) => member.type !== "info")
                .map(
                  (member) =>
                    `${localized(member.label, lang)}: ${displayAnswer(member, (item[member.key] ?? null) as never, lang)}`,
                )
                .join(lang === "ja" ? "、" : ", "),
            )
            .join(" / ")
        : displayAnswer(field, value, lang);
    return [
      {
        label: { ja: localized(field.label, "ja"), en: localized(field.label, "en") },
        value: { ja: shown("ja"), en: shown("en") },
      },
    ];
  });
}

/**
 * Publishes a form as version 1 in a seeding transaction, so another module's demo data can ask a form's
 * questions. It writes the audit records of creating and publishing; no domain events, since nothing can be
 * listening while a city is being seeded.
 */
export async function seedPublishedForm(
  tx: Db,
  o: {
    tenantId: string;
    departmentId: string | null;
    slug: string;
    definition: FormDefinitionInput;
    actor: Actor;
  },
): Promise<{ formId: string }> {
  const definition = FormDefinition.parse(o.definition);
  const [form] = await tx
    .insert(forms)
    .values({
      tenantId: o.tenantId,
      departmentId: o.departmentId,
      slug: o.slug,
      draft: definition,
      status: "published",
    })
    .returning({ id: forms.id });
  const formId = form!.id;
  const hash = contentHash(definition);
  const [version] = await tx
    .insert(formVersions)
    .values({
      tenantId: o.tenantId,
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
    tenantId: o.tenantId,
    actor: o.actor,
    action: "forms.form.create",
    resource: { type: "forms_form", id: formId },
    after: { slug: o.slug },
  });
  await recordChange(tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "forms.form.publish",
    resource: { type: "forms_form", id: formId },
    before: { status: "draft", version: null },
    after: { status: "published", version: 1, contentHash: hash },
  });
  return { formId };
}

/** The city's published forms (slug and title), for another module to offer as a choice, e.g. pre-questions. */
export async function listPublishedForms(
  db: Db,
  o: { tenantId: string },
): Promise<{ slug: string; title: { ja: string; en: string } }[]> {
  const rows = await db
    .select({ slug: forms.slug, definition: formVersions.definition })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.tenantId, o.tenantId), eq(forms.status, "published")))
    .orderBy(forms.slug);
  return rows.map((row) => {
    const { title } = FormDefinition.parse(row.definition);
    return { slug: row.slug, title: { ja: title.ja, en: title.en ?? title.ja } };
  });
}
