import { systemActor } from "../../core/audit/actor.ts";
import type { SeedContext } from "../../core/module.ts";
import { type FormDefinitionInput, seedPublishedForm } from "../forms/index.ts";
import { appointmentTypes, openingHours } from "./schema.ts";

const WEEKDAYS = [1, 2, 3, 4, 5];

/** おくやみ窓口's pre-questions: what the counter needs to prepare every procedure after a death. */
const okuyamiQuestions: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "おくやみ窓口 事前質問", en: "Bereavement counter: questions before your visit" },
  assuranceLevel: "email",
  // Asked only inside a booking: closed as an application of its own.
  closesAt: "2000-01-01T00:00:00+09:00",
  pages: [
    {
      key: "deceased",
      title: { ja: "亡くなられた方について", en: "About the person who died" },
      fields: [
        {
          key: "deceased_name",
          type: "text",
          label: { ja: "亡くなられた方のお名前", en: "Name of the person who died" },
          required: true,
          maxLength: 100,
        },
        {
          key: "date_of_death",
          type: "date",
          label: { ja: "亡くなられた日", en: "Date of death" },
          required: true,
          max: "today",
        },
        {
          key: "relation",
          type: "choice",
          label: { ja: "来庁される方との続柄", en: "Your relation to them" },
          required: true,
          options: [
            { value: "spouse", label: { ja: "配偶者", en: "Spouse" } },
            { value: "child", label: { ja: "子", en: "Child" } },
            { value: "parent", label: { ja: "父母", en: "Parent" } },
            { value: "other", label: { ja: "その他", en: "Other" } },
          ],
        },
        {
          key: "procedures",
          type: "multi_choice",
          label: { ja: "必要な手続き（分かる範囲で）", en: "Procedures needed (as far as you know)" },
          options: [
            { value: "pension", label: { ja: "年金", en: "Pension" } },
            { value: "health_insurance", label: { ja: "国民健康保険", en: "National Health Insurance" } },
            { value: "care_insurance", label: { ja: "介護保険", en: "Long-term care insurance" } },
            { value: "property_tax", label: { ja: "固定資産税", en: "Property tax" } },
          ],
        },
      ],
    },
  ],
};

/**
 * Two counters of the demo city: おくやみ窓口 (one family an hour, four slots a day, with pre-questions) and
 * 母子健康手帳の交付 (a 30-minute talk with one of two 保健師).
 */
export async function seedAppointments({ tx, tenant, departmentIds }: SeedContext): Promise<void> {
  await seedPublishedForm(tx, {
    tenantId: tenant.id,
    departmentId: null,
    slug: "okuyami-jizen",
    definition: okuyamiQuestions,
    actor: systemActor,
  });
  const [okuyami, boshi] = await tx
    .insert(appointmentTypes)
    .values([
      {
        tenantId: tenant.id,
        slug: "okuyami",
        nameJa: "おくやみ窓口",
        nameEn: "Bereavement counter",
        descriptionJa: "ご家族が亡くなられた後の手続きを、ひとつの窓口でまとめてご案内します。",
        descriptionEn: "One counter for all the procedures after a death in the family.",
        placeJa: "本庁舎1階 市民課",
        placeEn: "Main building 1F, Citizens Division",
        departmentId: departmentIds["madoguchi-kakari"]!,
        durationMinutes: 60,
        capacityPerSlot: 1,
        leadBusinessDays: 2,
        horizonDays: 60,
        maxActivePerPerson: 1,
        changeDeadlineBusinessDays: 1,
        preQuestionFormSlug: "okuyami-jizen",
      },
      {
        tenantId: tenant.id,
        slug: "boshi-techo",
        nameJa: "母子健康手帳の交付",
        nameEn: "Maternal and child health handbook",
        descriptionJa: "保健師が30分ほどお話を伺い、母子健康手帳をお渡しします。",
        descriptionEn:
          "A public health nurse talks with you for about 30 minutes and gives you the handbook.",
        placeJa: "保健センター 相談室",
        placeEn: "Health centre, consultation room",
        departmentId: departmentIds["kosodate-ka"]!,
        durationMinutes: 30,
        capacityPerSlot: 2,
        leadBusinessDays: 1,
        horizonDays: 60,
        maxActivePerPerson: 1,
        changeDeadlineBusinessDays: 1,
      },
    ])
    .returning();
  await tx.insert(openingHours).values([
    ...WEEKDAYS.flatMap((weekday) => [
      { tenantId: tenant.id, typeId: okuyami!.id, weekday, opens: "09:00", closes: "11:00" },
      { tenantId: tenant.id, typeId: okuyami!.id, weekday, opens: "13:00", closes: "15:00" },
      { tenantId: tenant.id, typeId: boshi!.id, weekday, opens: "09:00", closes: "12:00" },
      { tenantId: tenant.id, typeId: boshi!.id, weekday, opens: "13:00", closes: "16:30" },
    ]),
  ]);
}
