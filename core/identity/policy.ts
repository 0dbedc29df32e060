import type { PermissionDefinition } from "../module.ts";
import type { StaffRole } from "./schema.ts";

/** What one staff member can reach, loaded once per request (see staff-access.ts). */
export type StaffAccess = {
  role: StaffRole;
  /** The member's own department and every department below it (部 → 課 → 係). */
  departmentIds: ReadonlySet<string>;
  /** Operators only: the services granted to them by name. */
  serviceIds: ReadonlySet<string>;
};

/** The facts about a resource that decide who may touch it. */
export type ProtectedResource = {
  /** The owning department; resources without one are reachable only tenant-wide (administrators). */
  departmentId: string | null;
  /** The service (catalog procedure) the resource belongs to, for operators' grants. */
  serviceId?: string | null;
};

/** What a list query may return for a verb: everything in the tenant, or only these departments and services. */
export type StaffScope =
  | { all: true }
  | { all: false; departmentIds: readonly string[]; serviceIds: readonly string[] };

export type Policy = {
  /** True when the role may perform the verb at all. System administrators may do everything. */
  can(role: StaffRole, verb: string): boolean;
  /** The one decision: may this member perform the verb, on this resource when one is given? */
  authorize(staff: StaffAccess, verb: string, resource?: ProtectedResource): boolean;
  /** The filter for listing what the member may perform the verb on (call after `can`). */
  scope(staff: StaffAccess, verb: string): StaffScope;
  verbs: readonly string[];
};

type Rule = { roles: ReadonlySet<StaffRole>; scope: "tenant" | "department" };

/** One place where verbs meet roles and scopes; the rules are data from the manifests. */
export function createPolicy(permissions: readonly PermissionDefinition[]): Policy {
  const rules = new Map<string, Rule>();
  for (const permission of permissions) {
    if (rules.has(permission.verb)) {
      throw new Error(`Permission ${permission.verb} is declared twice`);
    }
    rules.set(permission.verb, { roles: new Set(permission.roles), scope: permission.scope ?? "tenant" });
  }
  const rule = (verb: string): Rule => {
    const found = rules.get(verb);
    if (!found) {
      throw new Error(`Unknown permission verb ${verb}: declare it in a manifest`);
    }
    return found;
  };
  const can = (role: StaffRole, verb: string): boolean => {
    const { roles } = rule(verb);
    return role === "system_admin" || roles.has(role);
  };
  return {
    verbs: [...rules.keys()],
    can,
    authorize(staff, verb, resource) {
      if (!can(staff.role, verb)) {
        return false;
      }
      if (!resource || staff.role === "system_admin") {
        return true;
      }
      // An outside contractor is limited to the services it is named for, whatever the rule's scope.
      if (staff.role === "operator") {
        return resource.serviceId != null && staff.serviceIds.has(resource.serviceId);
      }
      if (rule(verb).scope === "tenant") {
        return true;
      }
      return resource.departmentId !== null && staff.departmentIds.has(resource.departmentId);
    },
    scope(staff, verb) {
      if (staff.role === "system_admin") {
        return { all: true };
      }
      if (staff.role === "operator") {
        return { all: false, departmentIds: [], serviceIds: [...staff.serviceIds] };
      }
      if (rule(verb).scope === "tenant") {
        return { all: true };
      }
      return { all: false, departmentIds: [...staff.departmentIds], serviceIds: [] };
    },
  };
}

/** Verbs of the core's own staff routes. */
export const corePermissions: PermissionDefinition[] = [
  {
    verb: "core.jobs.read",
    roles: ["department_manager"],
    description: { ja: "ジョブの状態を見る", en: "See background jobs" },
  },
  {
    verb: "core.jobs.retry",
    roles: [],
    description: { ja: "失敗したジョブを再実行する", en: "Retry dead jobs" },
  },
  {
    verb: "core.audit.read",
    roles: [],
    description: { ja: "監査ログを検索する", en: "Search the audit log" },
  },
  {
    verb: "core.staff.read",
    roles: ["department_manager"],
    scope: "department",
    description: { ja: "職員の一覧を見る", en: "See staff accounts" },
  },
  {
    verb: "core.staff.manage",
    roles: [],
    description: {
      ja: "職員の役割・所属・担当業務を変更し、サインインを終了させる",
      en: "Change staff roles, departments and grants, and end their sessions",
    },
  },
  {
    verb: "core.waiting_room.manage",
    roles: [],
    description: {
      ja: "仮想待合室（アクセス集中時の入場制限）を設定する",
      en: "Turn the waiting room for rush moments on or off",
    },
  },
  {
    verb: "core.residents.read",
    roles: ["department_manager", "staff", "read_only"],
    description: {
      ja: "住民の個人情報を見る（記録されます）",
      en: "See residents' personal data (recorded)",
    },
  },
  {
    verb: "core.webhooks.manage",
    roles: [],
    description: {
      ja: "基幹系システムへのWebhook送信先を管理し、配信記録を見る",
      en: "Manage webhook endpoints for the city's core systems and see their deliveries",
    },
  },
  {
    verb: "cases.case.read",
    roles: ["department_manager", "staff", "read_only", "operator"],
    scope: "department",
    description: {
      ja: "受付した案件（申請など）の一覧と内容を見る（記録されます）",
      en: "See the work queue and its cases (recorded)",
    },
  },
  {
    verb: "cases.case.process",
    roles: ["department_manager", "staff"],
    scope: "department",
    description: {
      ja: "案件の状態変更・担当割当・メモ・申請者へのメッセージ",
      en: "Change case status, assign cases, write memos and message residents",
    },
  },
  {
    verb: "cases.case.export",
    roles: ["department_manager"],
    scope: "department",
    description: {
      ja: "案件の一覧をCSV・Excelで書き出す（記録されます）",
      en: "Export cases as CSV or XLSX (recorded)",
    },
  },
  {
    verb: "cases.settings.manage",
    roles: ["department_manager"],
    description: { ja: "手続きごとの処理期限（SLA）を設定する", en: "Set each service's deadline (SLA)" },
  },
];
