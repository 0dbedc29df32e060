import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { residentAttributes, residents } from "../../core/identity/schema.ts";
import type { Answers, AnswerValue, ProvenanceMap } from "./definition/answers.ts";
import type { Field, FormDefinition, PrefillSource } from "./definition/form-definition.ts";

type Known = { value: unknown; cardVerified: boolean };

/**
 * The starting answers of a new application from what the city already knows of the resident (書かない):
 * profile attributes, or only card-verified 基本4情報 where the form asks for "card". Each value is marked
 * prefilled with its origin, so staff later see whether the resident kept or changed it.
 */
export async function prefillAnswers(options: {
  db: Db;
  tenantId: string;
  residentId: string;
  form: FormDefinition;
}): Promise<{ answers: Answers; provenance: ProvenanceMap }> {
  const { db, tenantId, residentId, form } = options;
  const rows = await db
    .select({
      name: residentAttributes.name,
      value: residentAttributes.value,
      source: residentAttributes.source,
    })
    .from(residentAttributes)
    .where(and(eq(residentAttributes.tenantId, tenantId), eq(residentAttributes.residentId, residentId)));
  const known = new Map<string, Known>(
    rows.map((row) => [row.name, { value: row.value, cardVerified: row.source === "card_verified" }]),
  );
  const [resident] = await db
    .select({ email: residents.email })
    .from(residents)
    .where(and(eq(residents.id, residentId), eq(residents.tenantId, tenantId)));
  if (resident?.email) {
    known.set("email", { value: resident.email, cardVerified: false });
  }
  const answers: Answers = {};
  const provenance: ProvenanceMap = {};
  for (const page of form.pages) {
    for (const field of page.fields) {
      if (!("prefill" in field) || !field.prefill) {
        continue;
      }
      const value = prefillValue(field, field.prefill, known);
      if (value !== null) {
        answers[field.key] = value;
        provenance[field.key] = {
          source: "prefilled",
          prefilledFrom: field.prefill.from,
          changed: false,
          initial: value,
        };
      }
    }
  }
  return { answers, provenance };
}

function prefillValue(field: Field, source: PrefillSource, known: Map<string, Known>): AnswerValue | null {
  const read = (name: string): string | null => {
    const entry = known.get(name);
    if (!entry || (source.from === "card" && !entry.cardVerified) || typeof entry.value !== "string") {
      return null;
    }
    return entry.value;
  };
  const value = read(source.attribute);
  if (value === null) {
    return null;
  }
  if (field.type === "name") {
    const kana = field.withKana ? read("name_kana") : null;
    return kana ? { name: value, kana } : { name: value };
  }
  if (field.type === "postal_code") {
    const digits = value.replace(/\D/g, "");
    return digits.length === 7 ? `${digits.slice(0, 3)}-${digits.slice(3)}` : null;
  }
  return value;
}
