import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaffOn, currentStaff } from "../../core/http/middleware.ts";
import { problems } from "../../core/http/problem.ts";
import { localized } from "./definition/display-answer.ts";
import { FormDefinition } from "./definition/form-definition.ts";
import type { PageInput } from "./definition/validate-page.ts";
import { computeValues } from "./definition/validate-page.ts";
import { enterApplication } from "./operations/enter-application.ts";
import { readPost, withoutGroupItem } from "./runner/posted-input.ts";
import { renderField } from "./runner/render-field.ts";
import { errorList } from "./runner/views.ts";
import { forms, formVersions } from "./schema.ts";

const ID = "{[0-9a-f-]{36}}";
const channels = ["paper", "phone", "counter"] as const;
type Channel = (typeof channels)[number];

/** The published form staff enter into, if this member may process its applications. */
async function formToEnter(c: Context<AppEnv>, formId: string) {
  await currentStaff(c);
  const [row] = await c.var.services.database.db
    .select({ form: forms, version: formVersions })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.id, formId), eq(forms.tenantId, c.var.tenant.id), eq(forms.status, "published")));
  if (!row) {
    throw problems.notFound();
  }
  const staff = await authorizeStaffOn(c, "forms.application.process", {
    type: "forms_form",
    id: row.form.id,
    departmentId: row.form.departmentId,
  });
  return { ...row, definition: FormDefinition.parse(row.version.definition), staff };
}

type Entry = Awaited<ReturnType<typeof formToEnter>>;

/**
 * The whole form on one page, for a clerk copying a paper application or taking one by phone: every page's
 * questions (conditions run live with the runner's script, and the server applies them anyway), the channel,
 * and whether the fee was taken at the counter. Files cannot be attached here.
 */
function entryPage(
  c: Context<AppEnv>,
  entry: Entry,
  view: { posted: PageInput | null; errors: Record<string, string>; status?: number },
) {
  const { t, lang } = c.var;
  const { definition } = entry;
  const channel = view.posted?.get("_channel")?.[0] ?? "paper";
  const feePaid = view.posted?.get("_fee_paid")?.[0] === "yes";
  const state = {
    lang,
    t,
    posted: view.posted,
    errors: view.errors,
    pageKeys: new Set(
      definition.pages.flatMap((p) =>
        p.fields.flatMap((f) => [f.key, ...(f.type === "group" ? f.fields.map((m) => m.key) : [])]),
      ),
    ),
    computed: computeValues(definition, {}),
  };
  const title = `${t("forms.entry.title")}: ${localized(definition.title, lang)}`;
  return renderPage(c, {
    title: `${Object.keys(view.errors).length > 0 ? `${t("forms.runner.errorPrefix")} ` : ""}${title}`,
    status: view.status ?? 200,
    body: html`<p class="caption">${t("forms.entry.caption")}</p>
<h1>${localized(definition.title, lang)}</h1>
<p>${t("forms.entry.lead")}</p>
${errorList(t, view.errors)}
<form method="post" action="/staff/forms/${entry.form.id}/enter" novalidate class="runner" data-runner data-submit-once>
${csrfField(c)}
<fieldset class="field"><legend>${t("forms.entry.channel")}</legend>
${channels.map(
  (value) =>
    html`<div class="check"><input type="radio" id="f-_channel-${value}" name="_channel" value="${value}"${
      channel === value ? " checked" : ""
    }><label for="f-_channel-${value}">${t(`forms.entry.channel.${value}`)}</label></div>`,
)}
</fieldset>
${
  definition.fee
    ? html`<div class="field"><div class="check"><input type="checkbox" id="f-_fee_paid" name="_fee_paid" value="yes"${
        feePaid ? " checked" : ""
      }><label for="f-_fee_paid">${t("forms.entry.feePaid")}</label></div></div>`
    : ""
}
${definition.pages.map(
  (page) => html`<h2>${localized(page.title, lang)}</h2>
${page.fields
  .filter((field) => field.type !== "file" && field.type !== "signature")
  .map((field) => renderField(field, { ...state, value: null }))}`,
)}
<div class="button-row"><button type="submit" name="_action" value="enter">${t("forms.entry.submit")}</button></div>
</form>
<script src="/assets/forms.js" defer></script>`,
  });
}

/** Staff pages for applications received on paper, by phone or at the counter (the API does the same). */
export const entryPages = new Hono<AppEnv>()
  .get(`/staff/forms/:id${ID}/enter`, async (c) =>
    entryPage(c, await formToEnter(c, c.req.param("id")), { posted: null, errors: {} }),
  )
  .post(`/staff/forms/:id${ID}/enter`, async (c) => {
    const entry = await formToEnter(c, c.req.param("id"));
    const { input, action } = await readPost(c);
    if (action.startsWith("add:") || action.startsWith("remove:")) {
      const [verb, key = "", index = "0"] = action.split(":");
      const group = entry.definition.pages.flatMap((p) => p.fields).find((f) => f.key === key);
      if (group?.type !== "group") {
        throw problems.notFound();
      }
      const count = Number(input.get(`${key}.count`)?.[0] ?? 1);
      const posted =
        verb === "add"
          ? new Map(input).set(`${key}.count`, [String(Math.min(group.maxItems, count + 1))])
          : withoutGroupItem(input, key, Number(index));
      return entryPage(c, entry, { posted, errors: {} });
    }
    const channel = input.get("_channel")?.[0];
    if (!channels.includes(channel as Channel)) {
      return entryPage(c, entry, {
        posted: input,
        errors: { "_channel-paper": c.var.t("forms.entry.channelMissing") },
        status: 400,
      });
    }
    const answers: PageInput = new Map(
      [...input].filter(([name]) => !["_channel", "_fee_paid", "_action", "_csrf"].includes(name)),
    );
    const result = await c.var.services.database.db.transaction((tx) =>
      enterApplication({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: entry.staff.id },
        formId: entry.form.id,
        channel: channel as Channel,
        input: answers,
        locale: "ja",
        feePaidAtCounter: input.get("_fee_paid")?.[0] === "yes",
        requestId: c.var.requestId,
      }),
    );
    if ("notPublished" in result) {
      throw problems.notFound();
    }
    if (!result.ok) {
      const errors: Record<string, string> = {};
      for (const problem of result.problems) {
        errors[problem.input] ??= problem.message[c.var.lang];
      }
      return entryPage(c, entry, { posted: input, errors, status: 400 });
    }
    // On to the case in the work queue, where the clerk can go on processing it.
    return c.redirect(`/staff/cases/${result.caseId}`, 303);
  });
