import { randomBytes } from "node:crypto";
import type { SeedContext } from "../../core/module.ts";
import { providerAccounts } from "./schema.ts";

/** The demo city takes payments through the built-in test provider (no contract, no real money). */
export async function seedPayments({ tx, tenant }: SeedContext): Promise<void> {
  await tx.insert(providerAccounts).values({
    tenantId: tenant.id,
    provider: "test",
    settings: {},
    webhookSecret: randomBytes(32).toString("base64url"),
    isDefault: true,
  });
}
