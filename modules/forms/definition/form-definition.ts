import { z } from "zod";
import { assuranceLevels } from "../../../core/identity/assurance.ts";

/**
 * The form definition format (様式定義), version 1: our own typed JSON, checked by this zod schema and
 * published as JSON Schema at /forms/schema/v1.json so other cities and vendors can produce it.
 * Conditions and computed values use a small, safe subset of JSON Logic (see expressions.ts).
 */
export const FORM_SCHEMA_VERSION = 1;

const shortText = z.string().trim().min(1).max(300);
const longText = z.string().trim().min(1).max(4000);

/** Text shown to residents: Japanese always, English when given (falls back to Japanese). */
export const LocalizedText = z.strictObject({ ja: shortText, en: shortText.optional() });
export const LocalizedLongText = z.strictObject({ ja: longText, en: longText.optional() });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Stable key of a field or page: answers are stored under it, across versions. */
export const FieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "lowercase letters, digits and _, starting with a letter");

type Scalar = string | number | boolean | null;
/** A JSON Logic expression limited to the operators below; anything else is refused when the form is saved. */
export type Expression =
  | Scalar
  | { var: string }
  | { "==": [Expression, Expression] }
  | { "!=": [Expression, Expression] }
  | { ">": [Expression, Expression] }
  | { ">=": [Expression, Expression] }
  | { "<": [Expression, Expression] }
  | { "<=": [Expression, Expression] }
  | { in: [Expression, Expression] }
  | { and: Expression[] }
  | { or: Expression[] }
  | { "!": [Expression] }
  | { "+": Expression[] }
  | { "-": [Expression, Expression] }
  | { "*": Expression[] }
  | { if: Expression[] }
  | { count: [Expression] };

const pair = () => z.tuple([Expression, Expression]);
export const Expression: z.ZodType<Expression> = z.lazy(() =>
  z.union([
    z.string().max(300),
    z.number(),
    z.boolean(),
    z.null(),
    z.strictObject({ var: z.string().regex(/^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?$/) }),
    z.strictObject({ "==": pair() }),
    z.strictObject({ "!=": pair() }),
    z.strictObject({ ">": pair() }),
    z.strictObject({ ">=": pair() }),
    z.strictObject({ "<": pair() }),
    z.strictObject({ "<=": pair() }),
    z.strictObject({ in: pair() }),
    z.strictObject({ and: z.array(Expression).min(1).max(20) }),
    z.strictObject({ or: z.array(Expression).min(1).max(20) }),
    z.strictObject({ "!": z.tuple([Expression]) }),
    z.strictObject({ "+": z.array(Expression).min(1).max(20) }),
    z.strictObject({ "-": pair() }),
    z.strictObject({ "*": z.array(Expression).min(1).max(20) }),
    z.strictObject({ if: z.array(Expression).min(3).max(21) }),
    z.strictObject({ count: z.tuple([Expression]) }),
  ]),
);

/** Profile attributes a field can start from; "card" means only values verified from the My Number card. */
export const PrefillSource = z.strictObject({
  from: z.enum(["profile", "card"]),
  attribute: z.enum([
    "name",
    "name_kana",
    "birth_date",
    "gender",
    "postal_code",
    "address",
    "phone",
    "email",
  ]),
});
export type PrefillSource = z.infer<typeof PrefillSource>;

const Option = z.strictObject({ value: FieldKey, label: LocalizedText });

const fieldBase = {
  key: FieldKey,
  label: LocalizedText,
  hint: LocalizedText.optional(),
  required: z.boolean().default(false),
  /** Required only when this holds (e.g. "other" chosen). */
  requiredIf: Expression.optional(),
  /** Shown (and validated) only when this holds; hidden answers are dropped on submit. */
  showIf: Expression.optional(),
  /** Replaces the standard message when the answer is missing or wrong. */
  errorMessage: LocalizedText.optional(),
  prefill: PrefillSource.optional(),
};

export const TextField = z.strictObject({
  ...fieldBase,
  type: z.literal("text"),
  maxLength: z.number().int().min(1).max(1000).default(200),
  autocomplete: z.string().max(40).optional(),
});
export const TextareaField = z.strictObject({
  ...fieldBase,
  type: z.literal("textarea"),
  maxLength: z.number().int().min(1).max(4000).default(2000),
});
export const NumberField = z.strictObject({
  ...fieldBase,
  type: z.literal("number"),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().default(true),
  unit: LocalizedText.optional(),
});
export const EmailField = z.strictObject({ ...fieldBase, type: z.literal("email") });
export const PhoneField = z.strictObject({ ...fieldBase, type: z.literal("phone") });
export const PostalCodeField = z.strictObject({
  ...fieldBase,
  type: z.literal("postal_code"),
  /** The address field on the same page that the postal code fills in. */
  fillsAddress: FieldKey.optional(),
});
export const AddressField = z.strictObject({ ...fieldBase, type: z.literal("address") });
export const NameField = z.strictObject({
  ...fieldBase,
  type: z.literal("name"),
  /** Ask for the reading in katakana (フリガナ) too. */
  withKana: z.boolean().default(true),
});
export const DateField = z.strictObject({
  ...fieldBase,
  type: z.literal("date"),
  /** ISO date or "today". */
  min: z.union([z.iso.date(), z.literal("today")]).optional(),
  max: z.union([z.iso.date(), z.literal("today")]).optional(),
});
export const ChoiceField = z.strictObject({
  ...fieldBase,
  type: z.literal("choice"),
  options: z.array(Option).min(1).max(100),
  display: z.enum(["radio", "select"]).default("radio"),
});
export const MultiChoiceField = z.strictObject({
  ...fieldBase,
  type: z.literal("multi_choice"),
  options: z.array(Option).min(1).max(100),
  minSelected: z.number().int().min(0).optional(),
  maxSelected: z.number().int().min(1).optional(),
});
export const ConsentField = z.strictObject({ ...fieldBase, type: z.literal("consent") });
export const FileField = z.strictObject({
  ...fieldBase,
  type: z.literal("file"),
  accept: z
    .array(z.enum(["image", "pdf"]))
    .min(1)
    .default(["image", "pdf"]),
  maxFiles: z.number().int().min(1).max(10).default(1),
  maxSizeMb: z.number().min(0.1).max(20).default(10),
});
export const SignatureField = z.strictObject({ ...fieldBase, type: z.literal("signature") });
export const LocationField = z.strictObject({ ...fieldBase, type: z.literal("location") });
export const InfoField = z.strictObject({
  key: FieldKey,
  type: z.literal("info"),
  text: LocalizedLongText,
  showIf: Expression.optional(),
});
export const ComputedField = z.strictObject({
  key: FieldKey,
  type: z.literal("computed"),
  label: LocalizedText,
  expression: Expression,
  format: z.enum(["number", "yen"]).default("number"),
  showIf: Expression.optional(),
});

/** Field types allowed inside a repeating group (one level: no groups, files or signatures within). */
const groupMember = z.discriminatedUnion("type", [
  TextField,
  TextareaField,
  NumberField,
  EmailField,
  PhoneField,
  NameField,
  DateField,
  ChoiceField,
  MultiChoiceField,
  ConsentField,
  InfoField,
]);
export const GroupField = z.strictObject({
  ...fieldBase,
  type: z.literal("group"),
  /** Label of one item, e.g. 「お子さん」: shown as 「お子さん 1」. */
  itemLabel: LocalizedText,
  fields: z.array(groupMember).min(1).max(30),
  minItems: z.number().int().min(0).max(20).default(1),
  maxItems: z.number().int().min(1).max(20).default(5),
});

export const Field = z.discriminatedUnion("type", [
  TextField,
  TextareaField,
  NumberField,
  EmailField,
  PhoneField,
  PostalCodeField,
  AddressField,
  NameField,
  DateField,
  ChoiceField,
  MultiChoiceField,
  ConsentField,
  FileField,
  SignatureField,
  LocationField,
  InfoField,
  ComputedField,
  GroupField,
]);
export type Field = z.infer<typeof Field>;
export type FieldType = Field["type"];
export type GroupMemberField = z.infer<typeof groupMember>;
export type InputField = Exclude<Field, { type: "info" | "computed" }>;

export const Page = z.strictObject({
  key: FieldKey,
  title: LocalizedText,
  showIf: Expression.optional(),
  fields: z.array(Field).min(1).max(60),
  /** Skip rules, first match wins: after this page go to `goTo` (a later page, or "check" for the answers). */
  next: z
    .array(z.strictObject({ if: Expression, goTo: z.union([FieldKey, z.literal("check")]) }))
    .max(20)
    .optional(),
});
export type Page = z.infer<typeof Page>;

const isoDateTime = z.iso.datetime({ offset: true });

export const feeTimings = ["on_submission", "deferred"] as const;

const FormDefinitionShape = z.strictObject({
  schema_version: z.literal(FORM_SCHEMA_VERSION),
  title: LocalizedText,
  description: LocalizedLongText.optional(),
  /** Least a resident must have proved to apply (住民票 = card); "none" allows applying without an account. */
  assuranceLevel: z.enum(assuranceLevels).default("email"),
  opensAt: isoDateTime.optional(),
  closesAt: isoDateTime.optional(),
  /** Stop accepting after this many applications (e.g. a lottery's places). */
  maxApplications: z.number().int().min(1).optional(),
  /**
   * Fee in yen, usually a computed expression such as 300 × copies. Paid when the application is submitted,
   * or after review (事後決済): then the amount is an estimate and staff confirm it before asking for payment.
   */
  fee: z
    .strictObject({
      amount: Expression,
      label: LocalizedText,
      timing: z.enum(feeTimings).default("on_submission"),
    })
    .optional(),
  /** Shown on the confirmation page and in the confirmation message. */
  confirmationText: LocalizedLongText.optional(),
  pages: z.array(Page).min(1).max(30),
});

/** A whole form, with cross-checks the shape alone cannot express (messages in English, `params.ja` in Japanese). */
export const FormDefinition = FormDefinitionShape.superRefine((form, ctx) => {
  const keys = new Set<string>();
  const pageKeys = form.pages.map((p) => p.key);
  form.pages.forEach((page, pageIndex) => {
    page.fields.forEach((field, fieldIndex) => {
      if (keys.has(field.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["pages", pageIndex, "fields", fieldIndex, "key"],
          message: `Field key ${field.key} is used twice`,
          params: { ja: `項目キー「${field.key}」が重複しています` },
        });
      }
      keys.add(field.key);
      if (field.type === "group") {
        const inner = new Set<string>();
        for (const member of field.fields) {
          if (inner.has(member.key)) {
            ctx.addIssue({
              code: "custom",
              path: ["pages", pageIndex, "fields", fieldIndex],
              message: `Field key ${member.key} is used twice in group ${field.key}`,
              params: { ja: `グループ「${field.key}」の中で項目キー「${member.key}」が重複しています` },
            });
          }
          inner.add(member.key);
        }
        if (field.minItems > field.maxItems) {
          ctx.addIssue({
            code: "custom",
            path: ["pages", pageIndex, "fields", fieldIndex],
            message: "minItems is above maxItems",
            params: { ja: "最少件数が最多件数を超えています" },
          });
        }
      }
    });
    for (const rule of page.next ?? []) {
      const target = rule.goTo === "check" ? form.pages.length : pageKeys.indexOf(rule.goTo);
      if (target <= pageIndex) {
        ctx.addIssue({
          code: "custom",
          path: ["pages", pageIndex, "next"],
          message: `Skip target ${rule.goTo} must be a later page`,
          params: { ja: `分岐先「${rule.goTo}」は後のページでなければなりません` },
        });
      }
    }
  });
  if (new Set(pageKeys).size !== pageKeys.length) {
    ctx.addIssue({
      code: "custom",
      path: ["pages"],
      message: "Page keys must be unique",
      params: { ja: "ページのキーが重複しています" },
    });
  }
  // "check" names the check-answers step in skip rules and saved progress, so no page may take it.
  if (pageKeys.includes("check")) {
    ctx.addIssue({
      code: "custom",
      path: ["pages"],
      message: "Page key check is reserved",
      params: { ja: "ページのキー「check」は確認画面のために予約されています" },
    });
  }
  form.pages.forEach((page, pageIndex) => {
    page.fields.forEach((field, fieldIndex) => {
      if (field.type === "postal_code" && field.fillsAddress) {
        const target = page.fields.find((f) => f.key === field.fillsAddress);
        if (target?.type !== "address") {
          ctx.addIssue({
            code: "custom",
            path: ["pages", pageIndex, "fields", fieldIndex, "fillsAddress"],
            message: "fillsAddress must name an address field on the same page",
            params: { ja: "住所の自動入力先は同じページの住所項目にしてください" },
          });
        }
      }
    });
  });
  if (form.opensAt && form.closesAt && form.opensAt >= form.closesAt) {
    ctx.addIssue({
      code: "custom",
      path: ["closesAt"],
      message: "closesAt must be after opensAt",
      params: { ja: "受付終了日時は受付開始日時より後にしてください" },
    });
  }
});
export type FormDefinition = z.infer<typeof FormDefinition>;
/** What an author writes: defaults may be left out. */
export type FormDefinitionInput = z.input<typeof FormDefinition>;

/** Every field of a definition, in order, with its page. */
export function fieldsOf(form: FormDefinition): { field: Field; page: Page }[] {
  return form.pages.flatMap((page) => page.fields.map((field) => ({ field, page })));
}

/** The published JSON Schema of the format (draft 2020-12). */
export function formDefinitionJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(FormDefinitionShape, { io: "input", unrepresentable: "any" }),
    $id: `https://tenohira.jp/schemas/form-definition/v${FORM_SCHEMA_VERSION}.json`,
    title: "tenohira form definition",
  };
}
