import { systemActor } from "../../core/audit/actor.ts";
import type { AssuranceLevel } from "../../core/identity/assurance.ts";
import type { SeedContext } from "../../core/module.ts";
import { createService } from "./operations/create-service.ts";
import { publishService } from "./operations/publish-service.ts";
import type { ServiceChannel } from "./schema.ts";

const demoServices: {
  slug: string;
  nameJa: string;
  nameEn: string;
  summaryJa: string;
  summaryEn: string;
  department: string;
  channels: ServiceChannel[];
  assuranceLevel: AssuranceLevel;
  onlinePath?: string;
}[] = [
  {
    slug: "juminhyo",
    nameJa: "住民票の写しの交付申請",
    nameEn: "Certificate of residence",
    summaryJa: "マイナンバーカードで本人確認をして、スマートフォンから申請できます。手数料は1通300円です。",
    summaryEn: "Apply from your phone after verifying with your My Number card. The fee is ¥300 per copy.",
    department: "shimin-ka",
    channels: ["online", "counter", "convenience_store"],
    assuranceLevel: "card",
    onlinePath: "/forms/juminhyo",
  },
  {
    slug: "sodai-gomi",
    nameJa: "粗大ごみ収集の申込み",
    nameEn: "Oversized garbage collection",
    summaryJa: "収集日を選んで申し込み、手数料をキャッシュレスで支払えます。",
    summaryEn: "Choose a collection day and pay the fee cashless.",
    department: "kankyo-ka",
    channels: ["online", "counter"],
    assuranceLevel: "email",
    onlinePath: "/forms/sodai-gomi",
  },
  {
    slug: "doro-tsuho",
    nameJa: "道路の損傷の通報",
    nameEn: "Report road damage",
    summaryJa: "穴やひび割れを、写真と地図で市に知らせることができます。",
    summaryEn: "Tell the city about potholes and cracks with a photo and a map pin.",
    department: "doro-ka",
    channels: ["online"],
    assuranceLevel: "none",
  },
  {
    slug: "hoikusho",
    nameJa: "保育所の入所申込み",
    nameEn: "Nursery school application",
    summaryJa: "お子さんごとに希望する保育所を選んで申し込めます。",
    summaryEn: "Apply for nursery places, choosing preferred schools for each child.",
    department: "kosodate-ka",
    channels: ["online", "counter", "post"],
    assuranceLevel: "email",
    onlinePath: "/forms/hoikusho",
  },
];

export async function seedCatalog({ tx, tenant, departmentIds }: SeedContext): Promise<void> {
  for (const { department, ...service } of demoServices) {
    const created = await createService({
      tx,
      tenantId: tenant.id,
      actor: systemActor,
      departmentId: departmentIds[department] ?? null,
      ...service,
    });
    await publishService({ tx, tenantId: tenant.id, actor: systemActor, serviceId: created.id });
  }
}
