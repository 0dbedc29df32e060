import { and, eq, sql } from "drizzle-orm";
import { defineModule } from "../../core/module.ts";
import { catalogApi } from "./api.ts";
import { catalogMessages } from "./messages.ts";
import { findServices } from "./operations/find-services.ts";
import { catalogPages } from "./pages.ts";
import { catalogServices } from "./schema.ts";
import { seedCatalog } from "./seeds.ts";
import { catalogStaffApi } from "./staff-api.ts";

/** 手続き案内: the list of procedures a city offers, the smallest complete module and the template for new ones. */
export const catalogModule = defineModule({
  id: "catalog",
  name: { ja: "手続き案内", en: "Procedure guide" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: catalogPages,
  api: catalogApi,
  staffApi: catalogStaffApi,
  permissions: [
    {
      verb: "catalog.service.read",
      roles: ["department_manager", "staff", "read_only", "operator"],
      scope: "department",
      description: { ja: "手続きを見る", en: "See services" },
    },
    {
      verb: "catalog.service.manage",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: { ja: "手続きを作成・編集する", en: "Create and edit services" },
    },
    {
      verb: "catalog.service.publish",
      roles: ["department_manager"],
      scope: "department",
      description: { ja: "手続きを公開する", en: "Publish services" },
    },
  ],
  messages: catalogMessages,
  seed: seedCatalog,
  metrics: [
    {
      name: "published_services",
      help: "Services residents can see",
      async collect(db) {
        const rows = await db
          .select({ tenantId: catalogServices.tenantId, value: sql<number>`count(*)::int` })
          .from(catalogServices)
          .where(eq(catalogServices.status, "published"))
          .groupBy(catalogServices.tenantId);
        return rows;
      },
    },
  ],
  openData: [
    {
      id: "services",
      title: { ja: "手続き一覧", en: "Procedures" },
      license: "CC BY 4.0",
      columns: ["slug", "name_ja", "name_en", "summary_ja", "channels", "published_at"],
      async rows(db, tenantId) {
        const services = await findServices({ db, tenantId, publishedOnly: true });
        return services.map((s) => ({
          slug: s.slug,
          name_ja: s.nameJa,
          name_en: s.nameEn,
          summary_ja: s.summaryJa,
          channels: s.channels.join(" "),
          published_at: s.publishedAt?.toISOString() ?? null,
        }));
      },
    },
  ],
  async residentEntries(db, tenantId) {
    const services = await db
      .select({ slug: catalogServices.slug, nameJa: catalogServices.nameJa, nameEn: catalogServices.nameEn })
      .from(catalogServices)
      .where(and(eq(catalogServices.tenantId, tenantId), eq(catalogServices.status, "published")))
      .orderBy(catalogServices.nameJa);
    return [
      ...services.map((s) => ({ href: `/services/${s.slug}`, label: { ja: s.nameJa, en: s.nameEn } })),
      { href: "/services", label: { ja: "すべての手続き", en: "All procedures" } },
    ];
  },
});
