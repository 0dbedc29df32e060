import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type Tenant, tenants } from "../../../core/tenancy/schema.ts";
import { type ProviderAccount, type ProviderName, providerAccounts } from "../schema.ts";
import { createFincodeProvider } from "./fincode.ts";
import type { PaymentProvider } from "./provider.ts";
import { createTestProvider } from "./test-provider.ts";

/** The provider behind one of a city's accounts. */
export function paymentProviderFor(db: Db, tenant: Tenant, account: ProviderAccount): PaymentProvider {
  switch (account.provider) {
    case "test":
      return createTestProvider({ db, tenant, account });
    case "fincode":
      return createFincodeProvider({ settings: account.settings, webhookSecret: account.webhookSecret });
  }
}

/** The city's account at a provider, with the city itself; undefined when the city has none there. */
export async function findProviderAccount(
  db: Db,
  tenantId: string,
  provider: ProviderName,
): Promise<{ tenant: Tenant; account: ProviderAccount } | undefined> {
  const [row] = await db
    .select({ tenant: tenants, account: providerAccounts })
    .from(providerAccounts)
    .innerJoin(tenants, eq(tenants.id, providerAccounts.tenantId))
    .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.provider, provider)));
  return row;
}

/** The provider a city's payment goes through; throws when the account was removed since. */
export async function loadPaymentProvider(
  db: Db,
  tenantId: string,
  provider: ProviderName,
): Promise<PaymentProvider> {
  const found = await findProviderAccount(db, tenantId, provider);
  if (!found) {
    throw new Error(`The city ${tenantId} has no ${provider} payment account`);
  }
  return paymentProviderFor(db, found.tenant, found.account);
}
