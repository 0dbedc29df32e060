import type { PermissionDefinition } from "../module.ts";
import type { StaffRole } from "./schema.ts";

export type Policy = {
  /** True when the role may perform the verb. System administrators may do everything. */
  can(role: StaffRole, verb: string): boolean;
  verbs: readonly string[];
};

/** One place where verbs meet roles; the grants are data from the manifests. */
export function createPolicy(permissions: readonly PermissionDefinition[]): Policy {
  const grants = new Map<string, ReadonlySet<StaffRole>>();
  for (const permission of permissions) {
    if (grants.has(permission.verb)) {
      throw new Error(`Permission ${permission.verb} is declared twice`);
    }
    grants.set(permission.verb, new Set(permission.roles));
  }
  return {
    verbs: [...grants.keys()],
    can(role, verb) {
      if (!grants.has(verb)) {
        throw new Error(`Unknown permission verb ${verb}: declare it in a manifest`);
      }
      return role === "system_admin" || grants.get(verb)!.has(role);
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
];
