import type { CatalogService } from "./schema.ts";

export function presentService(service: CatalogService) {
  return {
    id: service.id,
    slug: service.slug,
    name: { ja: service.nameJa, en: service.nameEn },
    summary: { ja: service.summaryJa, en: service.summaryEn },
    departmentId: service.departmentId,
    channels: service.channels,
    status: service.status,
    assuranceLevel: service.assuranceLevel,
    onlinePath: service.onlinePath,
    publishedAt: service.publishedAt?.toISOString() ?? null,
  };
}
