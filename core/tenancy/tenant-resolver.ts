import { asc } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { type Tenant, tenants } from "./schema.ts";

export type TenantResolver = {
  /**
   * The tenant serving this host: the one whose `hosts` lists it, else the oldest tenant with no hosts
   * (the default city of a single-city install). A host nobody claims on a multi-city install gets null.
   */
  resolve(host: string | undefined): Promise<Tenant | null>;
  invalidate(): void;
};

/**
 * Tenants change rarely (a new city, new settings), so they are cached per process for a short time;
 * a change made on one process reaches the others within `ttlMs`.
 */
export function createTenantResolver(db: Db, { ttlMs = 30_000 }: { ttlMs?: number } = {}): TenantResolver {
  let cache: { at: number; list: Tenant[] } | undefined;
  return {
    async resolve(host) {
      if (!cache || Date.now() - cache.at > ttlMs) {
        cache = { at: Date.now(), list: await db.select().from(tenants).orderBy(asc(tenants.createdAt)) };
      }
      const hostname = (host ?? "").toLowerCase().replace(/:\d+$/, "");
      return (
        cache.list.find((tenant) => tenant.hosts.includes(hostname)) ??
        cache.list.find((tenant) => tenant.hosts.length === 0) ??
        null
      );
    },
    invalidate() {
      cache = undefined;
    },
  };
}
