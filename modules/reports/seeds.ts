import { systemActor } from "../../core/audit/actor.ts";
import { type AreaGeometry, areaSquareMeters, bboxOf, type Position } from "../../core/geo/geo.ts";
import type { SeedContext } from "../../core/module.ts";
import { newReferenceNumber } from "../../core/reference/reference-number.ts";
import { type FormDefinitionInput, seedPublishedForm } from "../forms/index.ts";
import { publicPlacement } from "./placement.ts";
import {
  type AreaKind,
  type PublicLocation,
  reportAreas,
  reportCategories,
  reportEntries,
  reportReplyTemplates,
  reportRoutingRules,
  reportStatuses,
  reports,
} from "./schema.ts";

/** The statuses a city starts with; staff may rename, add and reorder them (they are data). */
export const defaultReportStatuses = [
  {
    key: "received",
    labelJa: "受付",
    labelEn: "Received",
    category: "open",
    stage: "received",
    isInitial: true,
  },
  {
    key: "investigating",
    labelJa: "確認中",
    labelEn: "Being checked",
    category: "open",
    stage: "in_progress",
  },
  { key: "in_progress", labelJa: "対応中", labelEn: "Being fixed", category: "open", stage: "in_progress" },
  {
    key: "scheduled",
    labelJa: "対応予定",
    labelEn: "Repair scheduled",
    category: "open",
    stage: "in_progress",
  },
  { key: "fixed", labelJa: "対応済", labelEn: "Fixed", category: "fixed", stage: "done" },
  {
    key: "not_city",
    labelJa: "市の管理外（管理者へ連絡済）",
    labelEn: "Not the city's (passed to the owner)",
    category: "closed",
    stage: "done",
  },
  {
    key: "duplicate",
    labelJa: "重複（ほかの通報で対応）",
    labelEn: "Duplicate",
    category: "closed",
    stage: "done",
  },
  {
    key: "cannot_fix",
    labelJa: "対応できません",
    labelEn: "Cannot be fixed",
    category: "closed",
    stage: "done",
  },
] as const;

const rectangle = (west: number, south: number, east: number, north: number): AreaGeometry => ({
  type: "Polygon",
  coordinates: [
    [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
      [west, south],
    ],
  ],
});

/** てのひら市 is fictional; its outline sits in Ōsumi, Kagoshima, so that 地理院タイル show real land. */
export const demoBoundary: Position[] = [
  [130.8, 31.34],
  [130.86, 31.33],
  [130.91, 31.35],
  [130.92, 31.4],
  [130.89, 31.43],
  [130.83, 31.44],
  [130.79, 31.41],
  [130.8, 31.34],
];

/** A point inside each demo 町字, for tests and the demo's reports. */
export const demoPlaces = {
  cityHall: { lat: 31.38, lng: 130.85 },
  kitaMachi: { lat: 31.41, lng: 130.83 },
  higashiMachi: { lat: 31.405, lng: 130.885 },
  minamiMachi: { lat: 31.355, lng: 130.83 },
  minatoMachi: { lat: 31.36, lng: 130.89 },
  /** On 手乃平川, inside the drawn river corridor. */
  river: { lat: 31.3725, lng: 130.86 },
  /** In the sea, east of the city: outside the boundary. */
  offshore: { lat: 31.38, lng: 130.96 },
} as const;

const demoAreas: { kind: AreaKind; code: string; ja: string; en: string; geometry: AreaGeometry }[] = [
  {
    kind: "boundary",
    code: "city",
    ja: "てのひら市",
    en: "Tenohira City",
    geometry: { type: "Polygon", coordinates: [demoBoundary] },
  },
  {
    kind: "machiaza",
    code: "kita-machi",
    ja: "北町",
    en: "Kita-machi",
    geometry: rectangle(130.78, 31.385, 130.85, 31.45),
  },
  {
    kind: "machiaza",
    code: "higashi-machi",
    ja: "東町",
    en: "Higashi-machi",
    geometry: rectangle(130.85, 31.385, 130.93, 31.45),
  },
  {
    kind: "machiaza",
    code: "minami-machi",
    ja: "南町",
    en: "Minami-machi",
    geometry: rectangle(130.78, 31.32, 130.85, 31.385),
  },
  {
    kind: "machiaza",
    code: "minato-machi",
    ja: "港町",
    en: "Minato-machi",
    geometry: rectangle(130.85, 31.32, 130.93, 31.385),
  },
  {
    kind: "polygon",
    code: "tenohira-gawa",
    ja: "手乃平川 河川区域",
    en: "Tenohira River corridor",
    geometry: rectangle(130.79, 31.37, 130.92, 31.375),
  },
];

const roadDangerQuestions: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "道路の損傷 追加の質問", en: "Road damage: more questions" },
  assuranceLevel: "none",
  // Asked only inside a report: closed as an application of its own.
  closesAt: "2000-01-01T00:00:00+09:00",
  pages: [
    {
      key: "danger",
      title: { ja: "危険の程度", en: "How dangerous" },
      fields: [
        {
          key: "danger",
          type: "choice",
          label: { ja: "通行に危険はありますか", en: "Is it dangerous to pass?" },
          required: true,
          options: [
            {
              value: "now",
              label: { ja: "すぐに危険（車やバイクが通れない）", en: "Dangerous now (cannot pass)" },
            },
            { value: "caution", label: { ja: "注意が必要", en: "Needs care" } },
            { value: "minor", label: { ja: "軽い", en: "Minor" } },
          ],
        },
      ],
    },
  ],
};

type DemoCategory = {
  code: string;
  ja: string;
  en: string;
  descriptionJa: string;
  descriptionEn: string;
  groupJa: string;
  groupEn: string;
  department: string;
  sla: number;
  radius: number;
  publicLocation?: PublicLocation;
  allowAnonymous?: boolean;
  formSlug?: string;
};

const demoCategories: DemoCategory[] = [
  {
    code: "road-damage",
    ja: "道路の損傷",
    en: "Road damage",
    descriptionJa: "穴・段差・ひび割れ・ガードレールの破損など",
    descriptionEn: "Potholes, steps, cracks, broken guard rails",
    groupJa: "道路・河川",
    groupEn: "Roads and rivers",
    department: "doro-ka",
    sla: 5,
    radius: 50,
    formSlug: "report-road-danger",
  },
  {
    code: "streetlight",
    ja: "道路照明灯・街灯",
    en: "Street lights",
    descriptionJa: "消えている・点滅している・昼も点いている",
    descriptionEn: "Out, flickering, or on in daytime",
    groupJa: "道路・河川",
    groupEn: "Roads and rivers",
    department: "doro-ka",
    sla: 10,
    radius: 30,
  },
  {
    code: "river",
    ja: "河川",
    en: "Rivers",
    descriptionJa: "護岸の崩れ・水路のつまり・草木の繁茂",
    descriptionEn: "Damaged banks, blocked channels, overgrowth",
    groupJa: "道路・河川",
    groupEn: "Roads and rivers",
    department: "doro-ka",
    sla: 10,
    radius: 100,
  },
  {
    code: "park",
    ja: "公園",
    en: "Parks",
    descriptionJa: "遊具の破損・トイレ・照明",
    descriptionEn: "Broken play equipment, toilets, lights",
    groupJa: "公園・緑地",
    groupEn: "Parks",
    department: "doro-ka",
    sla: 10,
    radius: 50,
  },
  {
    code: "illegal-dumping",
    ja: "不法投棄",
    en: "Illegal dumping",
    descriptionJa: "道路や空き地に捨てられたごみ・家電",
    descriptionEn: "Rubbish or appliances left on roads or land",
    groupJa: "環境",
    groupEn: "Environment",
    department: "kankyo-ka",
    sla: 5,
    radius: 100,
  },
  {
    code: "dead-animal",
    ja: "動物の死骸",
    en: "Dead animals",
    descriptionJa: "道路上の犬・猫・鳥などの死骸（地図には大まかな場所だけを表示します）",
    descriptionEn: "Dead dogs, cats or birds on roads (the public map shows only the rough area)",
    groupJa: "環境",
    groupEn: "Environment",
    department: "kankyo-ka",
    sla: 1,
    radius: 100,
    publicLocation: "coarse",
  },
  {
    code: "other",
    ja: "その他",
    en: "Other",
    descriptionJa: "上にないもの（公開の地図には表示しません）",
    descriptionEn: "Anything else (not shown on the public map)",
    groupJa: "その他",
    groupEn: "Other",
    department: "shimin-ka",
    sla: 10,
    radius: 0,
    publicLocation: "hidden",
    allowAnonymous: false,
  },
];

const demoTemplates = [
  {
    title: "確認に向かいます",
    bodyJa: "ご連絡ありがとうございます。担当者が現地を確認します。",
    bodyEn: "Thank you. Our staff will check the place.",
    statusKey: "investigating",
  },
  {
    title: "補修を手配しました",
    bodyJa: "現地を確認し、補修を手配しました。完了までしばらくお待ちください。",
    bodyEn: "We have checked the place and arranged the repair.",
    statusKey: "scheduled",
  },
  {
    title: "対応が完了しました",
    bodyJa: "対応が完了しました。ご協力ありがとうございました。",
    bodyEn: "The problem has been fixed. Thank you for reporting it.",
    statusKey: "fixed",
  },
  {
    title: "重複としてまとめました",
    bodyJa: "同じ場所についての通報とまとめて対応します。",
    bodyEn: "We are handling this together with an earlier report of the same place.",
    statusKey: "duplicate",
  },
  {
    title: "市の管理外",
    bodyJa: "この場所は市の管理ではないため、管理者に連絡しました。",
    bodyEn: "This place is not managed by the city; we have told its owner.",
    statusKey: "not_city",
  },
];

/** The demo's existing reports, so the public map shows all three colours from the start. */
const demoReports = [
  {
    category: "road-damage",
    place: demoPlaces.kitaMachi,
    status: "received",
    text: "歩道の段差が大きく、つまずきそうです。",
  },
  {
    category: "streetlight",
    place: demoPlaces.higashiMachi,
    status: "in_progress",
    text: "交差点の街灯が消えています。",
  },
  { category: "river", place: demoPlaces.river, status: "fixed", text: "護岸の一部が崩れています。" },
  {
    category: "illegal-dumping",
    place: demoPlaces.minamiMachi,
    status: "investigating",
    text: "空き地に冷蔵庫が捨てられています。",
  },
  { category: "park", place: demoPlaces.minatoMachi, status: "fixed", text: "ブランコの鎖が切れています。" },
] as const;

/** Statuses, categories with their departments, 町字 and the river corridor, rules, templates, a few reports. */
export async function seedReports({ tx, tenant, departmentIds }: SeedContext): Promise<void> {
  const tenantId = tenant.id;
  await seedPublishedForm(tx, {
    tenantId,
    departmentId: null,
    slug: "report-road-danger",
    definition: roadDangerQuestions,
    actor: systemActor,
  });
  await tx
    .insert(reportStatuses)
    .values(defaultReportStatuses.map((status, index) => ({ ...status, tenantId, sortOrder: index })));
  const areas = await tx
    .insert(reportAreas)
    .values(
      demoAreas.map((area) => ({
        tenantId,
        kind: area.kind,
        code: area.code,
        nameJa: area.ja,
        nameEn: area.en,
        geometry: area.geometry,
        ...bboxOf(area.geometry),
        areaM2: areaSquareMeters(area.geometry),
      })),
    )
    .returning();
  const categories = await tx
    .insert(reportCategories)
    .values(
      demoCategories.map((category, index) => ({
        tenantId,
        code: category.code,
        nameJa: category.ja,
        nameEn: category.en,
        descriptionJa: category.descriptionJa,
        descriptionEn: category.descriptionEn,
        groupJa: category.groupJa,
        groupEn: category.groupEn,
        formSlug: category.formSlug ?? null,
        allowAnonymous: category.allowAnonymous ?? true,
        publicLocation: category.publicLocation ?? "exact",
        slaBusinessDays: category.sla,
        duplicateRadiusMeters: category.radius,
        defaultDepartmentId: departmentIds[category.department] ?? null,
        sortOrder: index,
      })),
    )
    .returning();
  const categoryId = (code: string) => categories.find((c) => c.code === code)!.id;
  const areaId = (code: string) => areas.find((a) => a.code === code)!.id;
  // Rubbish in the river corridor is the river manager's: category × area beats the category's default.
  await tx.insert(reportRoutingRules).values({
    tenantId,
    categoryId: categoryId("illegal-dumping"),
    areaId: areaId("tenohira-gawa"),
    departmentId: departmentIds["doro-ka"]!,
    note: "河川区域内の不法投棄は河川管理者（道路河川課）が回収する",
  });
  await tx
    .insert(reportReplyTemplates)
    .values(demoTemplates.map((template, index) => ({ ...template, tenantId, sortOrder: index })));
  for (const demo of demoReports) {
    const category = categories.find((c) => c.code === demo.category)!;
    const status = defaultReportStatuses.find((s) => s.key === demo.status)!;
    const [report] = await tx
      .insert(reports)
      .values({
        tenantId,
        reference: newReferenceNumber("V"),
        categoryId: category.id,
        statusKey: status.key,
        stage: status.stage,
        statusCategory: status.category,
        lat: demo.place.lat,
        lng: demo.place.lng,
        ...publicPlacement(category, demo.place),
        description: demo.text,
        channel: "web",
        anonymous: true,
        departmentId: category.defaultDepartmentId,
        closedAt: status.category === "open" ? null : new Date(),
      })
      .returning({ id: reports.id });
    await tx.insert(reportEntries).values({
      tenantId,
      reportId: report!.id,
      kind: "received",
      actorType: "system",
      toStatus: "received",
      public: true,
    });
    if (status.key !== "received") {
      await tx.insert(reportEntries).values({
        tenantId,
        reportId: report!.id,
        kind: "status_changed",
        actorType: "system",
        fromStatus: "received",
        toStatus: status.key,
        public: true,
      });
    }
  }
}
