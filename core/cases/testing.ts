import { eq } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { departments, residents, staffAccounts } from "../identity/schema.ts";
import { tenants } from "../tenancy/schema.ts";
import { type OpenCaseOptions, openCase } from "./operations/open-case.ts";
import type { Case } from "./schema.ts";

/** The demo city's ids the cases tests need, plus a second city on the same install. */
export type CasesFixture = {
  tenantId: string;
  department: (code: string) => string;
  staff: (email: string) => string;
  other: { tenantId: string; departmentId: string; staffId: string };
};

/**
 * Reads the seeded demo city and adds a second one (host other.localhost) with its own department and
 * administrator. Call before the first request, so the tenant cache knows both.
 */
export async function casesFixture(db: Db): Promise<CasesFixture> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, "tenohira"));
  const departmentRows = await db.select().from(departments).where(eq(departments.tenantId, tenant!.id));
  const staffRows = await db.select().from(staffAccounts).where(eq(staffAccounts.tenantId, tenant!.id));
  const [other] = await db
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  const [otherDepartment] = await db
    .insert(departments)
    .values({ tenantId: other!.id, code: "shimin-ka", nameJa: "市民課", nameEn: "Citizens", level: "ka" })
    .returning();
  const [otherStaff] = await db
    .insert(staffAccounts)
    .values({
      tenantId: other!.id,
      departmentId: otherDepartment!.id,
      email: "staff@other.localhost",
      displayName: "よその職員",
      role: "staff",
    })
    .returning();
  return {
    tenantId: tenant!.id,
    department: (code) => departmentRows.find((d) => d.code === code)!.id,
    staff: (email) => staffRows.find((s) => s.email === email)!.id,
    other: { tenantId: other!.id, departmentId: otherDepartment!.id, staffId: otherStaff!.id },
  };
}

/** A resident account of the tenant, as sign-in would create it. */
export async function createResident(
  db: Db,
  tenantId: string,
  email: string,
  preferredLanguage: "ja" | "en" = "ja",
): Promise<string> {
  const [row] = await db.insert(residents).values({ tenantId, email, preferredLanguage }).returning();
  return row!.id;
}

let counter = 0;

/** Opens a case as a module would on submission; every field can be overridden. */
export async function openTestCase(
  db: Db,
  fixture: CasesFixture,
  overrides: Partial<Omit<OpenCaseOptions, "tx">> = {},
): Promise<Case> {
  counter += 1;
  return db.transaction((tx) =>
    openCase({
      tx,
      tenantId: fixture.tenantId,
      actor: { type: "system", id: null },
      module: "forms",
      subjectType: "forms_application",
      subjectId: `application-${counter}-${Math.random().toString(36).slice(2)}`,
      reference: `REF${String(counter).padStart(5, "0")}`,
      title: { ja: "印鑑登録証明書の交付申請", en: "Certificate of seal registration" },
      serviceKey: "inkan",
      departmentId: fixture.department("shimin-ka"),
      residentId: null,
      notifyEmail: null,
      locale: "ja",
      channel: "web",
      searchText: "",
      ...overrides,
    }),
  );
}
