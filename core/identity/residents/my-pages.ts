import { and, desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../http/app-env.ts";
import { errorSummary, inputField } from "../../http/forms.ts";
import { csrfField, type Html, renderPage } from "../../http/layout.ts";
import { clientIp } from "../../http/middleware.ts";
import type { ResidentRecord, ResidentRecordsQuery } from "../../module.ts";
import { notifications } from "../../notifications/schema.ts";
import { requireResident } from "../resident-session.ts";
import { residents } from "../schema.ts";
import { clearSessionCookie } from "../session-cookie.ts";
import { activeConsents, readAttributes } from "./attribute-store.ts";
import { deleteResidentAccount } from "./delete-resident-account.ts";
import { exportResidentData } from "./export-resident-data.ts";
import {
  channelOptions,
  householdRelations,
  interestOptions,
  type ProfileAttributeName,
  type TargetingGroup,
  targetingGroups,
} from "./profile-attributes.ts";
import { updateProfile } from "./update-profile.ts";

export type ResidentRecordSource = (query: ResidentRecordsQuery) => Promise<ResidentRecord[]>;

const recordKinds = ["application", "booking", "report", "payment", "notice"] as const;

/** The core's own contribution to My page: messages in the resident's inbox. */
const inboxRecords: ResidentRecordSource = async ({ db, tenantId, residentId }) => {
  const rows = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        eq(notifications.residentId, residentId),
        eq(notifications.channel, "inbox"),
      ),
    )
    .orderBy(desc(notifications.createdAt))
    .limit(50);
  return rows.map((row) => ({
    kind: "notice",
    id: row.id,
    title: { ja: row.subject, en: row.subject },
    status: { ja: "受信", en: "Received" },
    href: null,
    updatedAt: row.createdAt,
  }));
};

async function collectRecords(
  c: Context<AppEnv>,
  sources: readonly ResidentRecordSource[],
  residentId: string,
) {
  const query = { db: c.var.services.database.db, tenantId: c.var.tenant.id, residentId };
  const lists = await Promise.all([inboxRecords, ...sources].map((source) => source(query)));
  return lists.flat().sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
}

function formDate(date: Date, lang: "ja" | "en"): string {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    dateStyle: "medium",
    timeZone: "Asia/Tokyo",
  }).format(date);
}

function checkbox(name: string, value: string, label: string, checked: boolean): Html {
  const id = `f-${name}-${value}`;
  return html`<div class="check"><input type="checkbox" id="${id}" name="${name}" value="${value}"${
    checked ? html` checked` : ""
  }><label for="${id}">${label}</label></div>`;
}

type ProfileFormState = {
  values: Partial<Record<ProfileAttributeName, unknown>>;
  verified: Map<string, Date>;
  targeting: Record<TargetingGroup, boolean>;
  language: "ja" | "en";
  errors: Partial<Record<ProfileAttributeName, true>>;
};

function profileForm(c: Context<AppEnv>, state: ProfileFormState, status = 200, saved = false) {
  const { t, lang } = c.var;
  const str = (name: ProfileAttributeName) =>
    typeof state.values[name] === "string" ? (state.values[name] as string) : "";
  const list = (name: ProfileAttributeName) =>
    Array.isArray(state.values[name]) ? (state.values[name] as unknown[]) : [];
  const errorText = (name: ProfileAttributeName) =>
    state.errors[name] ? t(`identity.profile.error.${name}`) : undefined;
  const verifiedHint = (name: ProfileAttributeName) => {
    const at = state.verified.get(name);
    return at ? t("identity.profile.verified", { date: formDate(at, lang) }) : undefined;
  };
  const field = (name: ProfileAttributeName, extra: Partial<Parameters<typeof inputField>[0]> = {}) => {
    const { hint, ...rest } = extra;
    return inputField({
      name,
      label: t(`identity.profile.${name}`),
      value: str(name),
      error: errorText(name),
      hint: [verifiedHint(name), hint].filter(Boolean).join(" ") || undefined,
      ...rest,
    });
  };
  const household = list("household") as { relation: string; birthYear: number }[];
  const rows = Math.max(household.length + 1, 3);
  const errors = Object.fromEntries(
    Object.keys(state.errors).map((name) => [name, t(`identity.profile.error.${name}`)]),
  );
  return renderPage(c, {
    title: t("identity.profile.title"),
    status,
    body: html`${errorSummary(t("form.errorSummary"), errors)}
${saved ? html`<div class="notice" role="status"><p>${t("identity.profile.saved")}</p></div>` : ""}
<h1>${t("identity.profile.title")}</h1>
<p>${t("identity.profile.lead")}</p>
<form method="post" action="/my/profile" novalidate>
${csrfField(c)}
${field("name", { autocomplete: "name", maxlength: 100 })}
${field("name_kana", { hint: t("identity.profile.name_kana.hint"), maxlength: 100 })}
${field("birth_date", { type: "date", autocomplete: "bday" })}
${field("postal_code", { autocomplete: "postal-code", inputmode: "numeric", maxlength: 8, hint: t("identity.profile.postal_code.hint") })}
${field("address", { autocomplete: "street-address", maxlength: 200 })}
${field("phone", { type: "tel", autocomplete: "tel", maxlength: 15 })}
<fieldset${state.errors.household ? html` class="field-invalid"` : ""}>
<legend>${t("identity.profile.household")}</legend>
<span class="hint">${t("identity.profile.household.hint")}</span>
${state.errors.household ? html`<span class="field-error" id="f-household">${t("identity.profile.error.household")}</span>` : ""}
${Array.from({ length: rows }, (_, i) => {
  const member = household[i];
  return html`<div class="field household-row">
<label for="f-household-relation-${i}">${t("identity.profile.household.relation", { n: i + 1 })}</label>
<select id="f-household-relation-${i}" name="household_relation">
<option value="">${t("identity.profile.household.none")}</option>
${householdRelations.map(
  (relation) =>
    html`<option value="${relation}"${member?.relation === relation ? html` selected` : ""}>${t(
      `identity.profile.relation.${relation}`,
    )}</option>`,
)}
</select>
<label for="f-household-year-${i}">${t("identity.profile.household.birthYear", { n: i + 1 })}</label>
<input id="f-household-year-${i}" name="household_year" type="number" inputmode="numeric" min="1900" max="2100" value="${
    member ? String(member.birthYear) : ""
  }">
</div>`;
})}
</fieldset>
<fieldset>
<legend>${t("identity.profile.preferred_channels")}</legend>
${channelOptions.map((channel) =>
  checkbox(
    "preferred_channels",
    channel,
    t(`identity.channel.${channel}`),
    list("preferred_channels").includes(channel),
  ),
)}
</fieldset>
<fieldset>
<legend>${t("identity.profile.interests")}</legend>
${interestOptions.map((interest) =>
  checkbox("interests", interest, t(`identity.interest.${interest}`), list("interests").includes(interest)),
)}
</fieldset>
<div class="field">
<label for="f-language">${t("identity.profile.language")}</label>
<select id="f-language" name="language">
<option value="ja"${state.language === "ja" ? html` selected` : ""}>日本語</option>
<option value="en"${state.language === "en" ? html` selected` : ""}>English</option>
</select>
</div>
<fieldset>
<legend>${t("identity.consent.title")}</legend>
<span class="hint">${t("identity.consent.hint")}</span>
${(Object.keys(targetingGroups) as TargetingGroup[]).map((group) =>
  checkbox("targeting", group, t(`identity.consent.${group}`), state.targeting[group]),
)}
</fieldset>
<p>${t("identity.profile.serviceDeliveryNote")}</p>
<button type="submit">${t("identity.profile.save")}</button>
</form>
<p><a href="/my">${t("identity.my.back")}</a></p>`,
  });
}

async function loadProfileState(c: Context<AppEnv>, residentId: string): Promise<ProfileFormState> {
  const db = c.var.services.database.db;
  const owner = { tenantId: c.var.tenant.id, residentId };
  const attributes = await readAttributes(db, owner);
  const consents = await activeConsents(db, owner);
  const targeted = new Set(consents.filter((x) => x.purpose === "targeting").map((x) => x.attribute));
  const values: Partial<Record<ProfileAttributeName, unknown>> = {};
  const verified = new Map<string, Date>();
  for (const [name, row] of attributes) {
    values[name as ProfileAttributeName] = row.value;
    if (row.verifiedAt) {
      verified.set(name, row.verifiedAt);
    }
  }
  const targeting = Object.fromEntries(
    (Object.entries(targetingGroups) as [TargetingGroup, readonly string[]][]).map(([group, names]) => [
      group,
      names.some((name) => targeted.has(name)),
    ]),
  ) as Record<TargetingGroup, boolean>;
  return { values, verified, targeting, language: c.var.resident?.preferredLanguage ?? "ja", errors: {} };
}

function readProfileForm(form: Record<string, string | File | (string | File)[]>) {
  const all = (name: string) => {
    const value = form[name];
    const array = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return array.filter((v): v is string => typeof v === "string");
  };
  const one = (name: string) => all(name)[0]?.trim() ?? "";
  const relations = all("household_relation");
  const years = all("household_year");
  const household = relations.flatMap((relation, i) => {
    const year = years[i]?.normalize("NFKC").trim() ?? "";
    if (!relation && !year) {
      return [];
    }
    return [{ relation, birthYear: year ? Number(year) : Number.NaN }];
  });
  const targeting = new Set(all("targeting"));
  return {
    values: {
      name: one("name"),
      name_kana: one("name_kana"),
      birth_date: one("birth_date"),
      postal_code: one("postal_code"),
      address: one("address"),
      phone: one("phone"),
      household,
      preferred_channels: all("preferred_channels"),
      interests: all("interests"),
    },
    targeting: Object.fromEntries(
      Object.keys(targetingGroups).map((group) => [group, targeting.has(group)]),
    ) as Record<TargetingGroup, boolean>,
    language: one("language") === "en" ? ("en" as const) : ("ja" as const),
  };
}

/** My page and the pages where a resident sees, corrects, exports and deletes their data. */
export function myPages(sources: readonly ResidentRecordSource[]) {
  return new Hono<AppEnv>()
    .get("/my", async (c) => {
      const resident = requireResident(c, "email");
      const { t, lang } = c.var;
      const records = await collectRecords(c, sources, resident.id);
      const byKind = (kind: ResidentRecord["kind"]) => records.filter((r) => r.kind === kind);
      return renderPage(c, {
        title: t("identity.my.title"),
        body: html`<h1>${t("identity.my.title")}</h1>
<p>${resident.email ? t("identity.my.signedInAs", { email: resident.email }) : t("identity.my.signedIn")}</p>
${recordKinds.map((kind) => {
  const items = byKind(kind);
  return html`<section aria-labelledby="my-${kind}">
<h2 id="my-${kind}">${t(`identity.my.kind.${kind}`)}</h2>
${
  items.length === 0
    ? html`<p class="meta">${t("identity.my.none")}</p>`
    : html`<ul class="entry-list">${items.map(
        (item) =>
          html`<li>${
            item.href
              ? html`<a class="entry" href="${item.href}">${item.title[lang]}</a>`
              : html`<span class="entry">${item.title[lang]}</span>`
          }<span class="meta">${item.status[lang]} · ${formDate(item.updatedAt, lang)}</span></li>`,
      )}</ul>`
}
</section>`;
})}
<h2>${t("identity.my.account")}</h2>
<ul class="entry-list">
<li><a class="entry" href="/my/profile">${t("identity.profile.title")}</a></li>
<li><a class="entry" href="/my/security">${t("identity.security.title")}</a></li>
<li><a class="entry" href="/my/export">${t("identity.my.export")}</a></li>
<li><a class="entry" href="/my/delete">${t("identity.delete.title")}</a></li>
</ul>
<form method="post" action="/sign-out" class="button-row">${csrfField(c)}<button type="submit" class="button-secondary">${t(
          "identity.signOut",
        )}</button></form>`,
      });
    })
    .get("/my/profile", async (c) => {
      const resident = requireResident(c, "email");
      return profileForm(c, await loadProfileState(c, resident.id), 200, c.req.query("saved") === "1");
    })
    .post("/my/profile", async (c) => {
      const resident = requireResident(c, "email");
      const input = readProfileForm(await c.req.parseBody({ all: true }));
      const db = c.var.services.database.db;
      const result = await updateProfile(db, {
        tenantId: c.var.tenant.id,
        residentId: resident.id,
        cityName: c.var.tenant.nameJa,
        values: input.values,
        targeting: input.targeting,
        actor: { type: "resident", id: resident.id },
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      if (!result.ok) {
        const state = await loadProfileState(c, resident.id);
        return profileForm(
          c,
          {
            ...state,
            values: input.values,
            targeting: input.targeting,
            language: input.language,
            errors: result.errors,
          },
          400,
        );
      }
      if (input.language !== resident.preferredLanguage) {
        await db
          .update(residents)
          .set({ preferredLanguage: input.language })
          .where(eq(residents.id, resident.id));
      }
      return c.redirect("/my/profile?saved=1", 303);
    })
    .get("/my/export", async (c) => {
      const resident = requireResident(c, "email");
      const data = await exportResidentData(c.var.services.database.db, {
        tenantId: c.var.tenant.id,
        residentId: resident.id,
        records: await collectRecords(c, sources, resident.id),
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      return c.body(JSON.stringify(data, null, 2), 200, {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": 'attachment; filename="my-data.json"',
        "cache-control": "no-store",
      });
    })
    .get("/my/delete", (c) => {
      requireResident(c, "email");
      const { t } = c.var;
      return renderPage(c, {
        title: t("identity.delete.title"),
        body: html`<h1>${t("identity.delete.title")}</h1>
<h2>${t("identity.delete.removedTitle")}</h2>
<p>${t("identity.delete.removed")}</p>
<h2>${t("identity.delete.keptTitle")}</h2>
<p>${t("identity.delete.kept")}</p>
<form method="post" action="/my/delete">
${csrfField(c)}
<div class="check"><input type="checkbox" id="f-confirm" name="confirm" value="yes" required><label for="f-confirm">${t(
          "identity.delete.confirm",
        )}</label></div>
<div class="button-row"><button type="submit">${t("identity.delete.submit")}</button></div>
</form>
<p><a href="/my">${t("identity.my.back")}</a></p>`,
      });
    })
    .post("/my/delete", async (c) => {
      const resident = requireResident(c, "email");
      const { t } = c.var;
      const form = await c.req.parseBody();
      if (form["confirm"] !== "yes") {
        return renderPage(c, {
          title: t("identity.delete.title"),
          status: 400,
          body: html`${errorSummary(t("form.errorSummary"), { confirm: t("identity.delete.confirmMissing") })}
<p><a href="/my/delete">${t("identity.delete.title")}</a></p>`,
        });
      }
      await deleteResidentAccount(c.var.services.database.db, {
        tenantId: c.var.tenant.id,
        residentId: resident.id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      clearSessionCookie(c);
      c.set("resident", null);
      return renderPage(c, {
        title: t("identity.delete.done"),
        body: html`<h1>${t("identity.delete.done")}</h1><p>${t("identity.delete.kept")}</p><p><a href="/">${t(
          "error.backHome",
        )}</a></p>`,
      });
    });
}
