import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { ProblemError } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { rulesOf } from "./data.ts";
import { registerGroup } from "./operations/register-group.ts";
import { formFields, orProblem, pick, problemNotice, say } from "./page-kit.ts";
import { facilityGroups } from "./schema.ts";

const statusLabels = {
  pending: { ja: "審査中", en: "Waiting for approval" },
  approved: { ja: "承認済み", en: "Approved" },
  rejected: { ja: "承認されませんでした", en: "Not approved" },
} as const;

async function groupPage(c: Context<AppEnv>, view: { problem?: ProblemError; name?: string } = {}) {
  const resident = requireResident(c);
  const db = c.var.services.database.db;
  const [group] = await db
    .select()
    .from(facilityGroups)
    .where(
      and(
        eq(facilityGroups.tenantId, c.var.tenant.id),
        eq(facilityGroups.representativeResidentId, resident.id),
      ),
    );
  const rules = await rulesOf(db, c.var.tenant.id);
  const title = say(c, "団体登録", "Group registration");
  return renderPage(c, {
    title,
    status: view.problem?.status ?? 200,
    body: html`<h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}
${
  group
    ? html`<dl class="summary"><div><dt>${say(c, "団体名", "Group name")}</dt><dd>${group.name}</dd></div>
<div><dt>${say(c, "状態", "Status")}</dt><dd>${pick(c, statusLabels[group.status])}</dd></div></dl>`
    : html`<p>${say(c, "1つの団体は1回だけ登録できます。代表者は1人1団体です。登録後、市の確認を経て団体として予約できます。", "A group registers once, and a person represents one group. Once the city approves it, you can book as the group.")}</p>
<form method="post" action="/facilities/groups">${csrfField(c)}
<div class="field"><label for="f-name">${say(c, "団体名", "Group name")}</label><input id="f-name" name="name" maxlength="100" required value="${view.name ?? ""}"></div>
<div class="field"><label for="f-category">${say(c, "利用区分", "User category")}</label><select id="f-category" name="userCategory">${rules.userCategories.map(
        (u) => html`<option value="${u.code}">${pick(c, u.name)}</option>`,
      )}</select></div>
<div class="button-row"><button type="submit">${say(c, "登録を申請する", "Apply for registration")}</button></div></form>`
}`,
  });
}

export const groupPages = new Hono<AppEnv>()
  .get("/facilities/groups", (c) => groupPage(c))
  .post("/facilities/groups", async (c) => {
    const resident = requireResident(c);
    const get = await formFields(c);
    const result = await orProblem(() =>
      registerGroup({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        residentId: resident.id,
        name: get("name"),
        userCategory: get("userCategory"),
      }),
    );
    if (result instanceof ProblemError) {
      return groupPage(c, { problem: result, name: get("name") });
    }
    return c.redirect("/facilities/groups", 303);
  });
