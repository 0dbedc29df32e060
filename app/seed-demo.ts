import { sql } from "drizzle-orm";
import { caseServiceSettings } from "../core/cases/schema.ts";
import type { Database } from "../core/db/database.ts";
import { hashPassword } from "../core/identity/passwords.ts";
import { departments, type StaffRole, staffAccounts } from "../core/identity/schema.ts";
import { staffServiceGrants } from "../core/identity/staff-schema.ts";
import type { ModuleManifest } from "../core/module.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { findServices } from "../modules/catalog/index.ts";

/** Documented in the README; the demo city is fictional and holds no real data. */
export const DEMO_PASSWORD = "tenohira-demo";
export const DEMO_TENANT_SLUG = "tenohira";

export const demoStaff: {
  email: string;
  name: string;
  role: StaffRole;
  department: string;
  /** Operators: catalog service slugs they are named for. */
  services?: string[];
}[] = [
  {
    email: "admin@tenohira.localhost",
    name: "手乃 平（DX推進課）",
    role: "system_admin",
    department: "dx-ka",
  },
  {
    email: "manager@tenohira.localhost",
    name: "市民 課長",
    role: "department_manager",
    department: "shimin-ka",
  },
  { email: "staff@tenohira.localhost", name: "窓口 一郎", role: "staff", department: "madoguchi-kakari" },
  { email: "viewer@tenohira.localhost", name: "閲覧 花子", role: "read_only", department: "shimin-ka" },
  { email: "doro@tenohira.localhost", name: "道路 次郎", role: "staff", department: "doro-ka" },
  { email: "kankyo@tenohira.localhost", name: "環境 三郎", role: "staff", department: "kankyo-ka" },
  {
    email: "operator@tenohira.localhost",
    name: "てのひら環境サービス（委託）",
    role: "operator",
    department: "kankyo-ka",
    services: ["sodai-gomi"],
  },
];

const demoDepartments = [
  { code: "somu-bu", parent: null, ja: "総務部", en: "General Affairs Department", level: "bu" },
  { code: "dx-ka", parent: "somu-bu", ja: "DX推進課", en: "Digital Transformation Division", level: "ka" },
  { code: "shimin-bu", parent: null, ja: "市民生活部", en: "Citizens' Life Department", level: "bu" },
  { code: "shimin-ka", parent: "shimin-bu", ja: "市民課", en: "Citizens Division", level: "ka" },
  { code: "madoguchi-kakari", parent: "shimin-ka", ja: "窓口係", en: "Counter Section", level: "kakari" },
  { code: "kankyo-ka", parent: "shimin-bu", ja: "環境課", en: "Environment Division", level: "ka" },
  { code: "kensetsu-bu", parent: null, ja: "建設部", en: "Construction Department", level: "bu" },
  { code: "doro-ka", parent: "kensetsu-bu", ja: "道路河川課", en: "Roads and Rivers Division", level: "ka" },
  { code: "kodomo-bu", parent: null, ja: "子ども未来部", en: "Children's Future Department", level: "bu" },
  {
    code: "kosodate-ka",
    parent: "kodomo-bu",
    ja: "子育て支援課",
    en: "Child-Rearing Support Division",
    level: "ka",
  },
] as const;

const demoSlas = [
  { serviceKey: "juminhyo", ja: "住民票の写し交付申請", en: "Copy of the certificate of residence", days: 3 },
  { serviceKey: "sodai-gomi", ja: "粗大ごみ収集申込", en: "Oversized garbage collection", days: 5 },
  {
    serviceKey: "hokago-club",
    ja: "放課後児童クラブ入所申込",
    en: "After-school club application",
    days: 10,
  },
  { serviceKey: "hoikusho", ja: "保育所等入所申込", en: "Nursery school application", days: 20 },
];

/**
 * Creates the fictional てのひら市 (code 990019: prefecture 99 does not exist, the check digit is valid)
 * when the install has no tenant yet. Returns false when there was already one.
 */
export async function seedDemoCity(database: Database, modules: readonly ModuleManifest[]): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return database.db.transaction(async (tx) => {
    // Several processes may start on one empty PostgreSQL at once: only one seeds.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7344272)`);
    const existing = await tx.select({ id: tenants.id }).from(tenants).limit(1);
    if (existing.length > 0) {
      return false;
    }
    const [tenant] = await tx
      .insert(tenants)
      .values({
        municipalityCode: "990019",
        slug: DEMO_TENANT_SLUG,
        nameJa: "てのひら市",
        nameEn: "Tenohira City",
        settings: {
          defaultLanguage: "ja",
          contactPhone: "0000-00-0000",
          yearEndClosure: { from: "12-29", to: "01-03" },
        },
      })
      .returning();
    const departmentIds: Record<string, string> = {};
    for (const department of demoDepartments) {
      const [row] = await tx
        .insert(departments)
        .values({
          tenantId: tenant!.id,
          parentId: department.parent ? departmentIds[department.parent]! : null,
          code: department.code,
          nameJa: department.ja,
          nameEn: department.en,
          level: department.level,
        })
        .returning({ id: departments.id });
      departmentIds[department.code] = row!.id;
    }
    const staffIds = await tx
      .insert(staffAccounts)
      .values(
        demoStaff.map((staff) => ({
          tenantId: tenant!.id,
          departmentId: departmentIds[staff.department]!,
          email: staff.email,
          displayName: staff.name,
          role: staff.role,
          passwordHash,
        })),
      )
      .returning({ id: staffAccounts.id, email: staffAccounts.email });
    for (const module of modules) {
      await module.seed?.({ tx, tenant: tenant!, departmentIds });
    }
    // The work queue's deadlines (SLA, in business days) for the demo forms, keyed by form slug.
    if (modules.some((m) => m.id === "forms")) {
      await tx.insert(caseServiceSettings).values(
        demoSlas.map((sla) => ({
          tenantId: tenant!.id,
          serviceKey: sla.serviceKey,
          titleJa: sla.ja,
          titleEn: sla.en,
          slaBusinessDays: sla.days,
        })),
      );
    }
    // Operators are named for services, which exist only once the catalog has seeded.
    for (const staff of demoStaff.filter((s) => s.services && modules.some((m) => m.id === "catalog"))) {
      for (const slug of staff.services!) {
        const [service] = await findServices({ db: tx, tenantId: tenant!.id, publishedOnly: false, slug });
        if (service) {
          await tx.insert(staffServiceGrants).values({
            tenantId: tenant!.id,
            staffId: staffIds.find((row) => row.email === staff.email)!.id,
            resourceType: "service",
            resourceId: service.id,
          });
        }
      }
    }
    return true;
  });
}
