import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../../core/http/forms.ts";
import { csrfField, renderPage } from "../../../core/http/layout.ts";
import { authorizeStaff } from "../../../core/http/middleware.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { consumeRateLimit } from "../../../core/identity/rate-limit.ts";
import { createApiKey } from "../operations/create-api-key.ts";
import { revokeApiKey } from "../operations/revoke-api-key.ts";
import { reportApiKeys } from "../schema.ts";

export const MANAGE_SETUP = "reports.setup.manage";
const PATH = "/staff/reports/api-keys";
const ID = "{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";

const when = (date: Date | null, lang: "ja" | "en") =>
  date
    ? date.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
        timeZone: "Asia/Tokyo",
        dateStyle: "medium",
        timeStyle: "short",
      })
    : "—";

/**
 * The create form carries a one-time nonce: sending the same form again (a reload, a double click) must not
 * issue a second key that nobody sees. It is remembered for a day in the shared attempt counter.
 */
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const NONCE_SECONDS = 86_400;

async function firstUseOf(c: Context<AppEnv>, nonce: string): Promise<boolean> {
  return (
    NONCE.test(nonce) &&
    consumeRateLimit(c.var.services.database.db, {
      key: `open311-key-form:${c.var.tenant.id}:${nonce}`,
      limit: 1,
      windowSeconds: NONCE_SECONDS,
    })
  );
}

/** The list of keys with the form to add one; `created` shows a new key the one time it can be seen. */
async function listPage(
  c: Context<AppEnv>,
  o: {
    created?: { name: string; key: string };
    typed?: string;
    error?: string;
    resent?: boolean;
    status?: number;
  } = {},
) {
  const lang = c.var.lang;
  const tr = (ja: string, en: string) => (lang === "ja" ? ja : en);
  const keys = await c.var.services.database.db
    .select()
    .from(reportApiKeys)
    .where(eq(reportApiKeys.tenantId, c.var.tenant.id))
    .orderBy(desc(reportApiKeys.createdAt));
  const title = tr("Open311 APIキー", "Open311 API keys");
  return renderPage(c, {
    title,
    status: o.status ?? 200,
    body: html`<h1>${title}</h1>
<p>${tr(
      "連携アプリは GeoReport v2（/open311/v2/）で通報を送れます。キーは作成時に一度だけ表示します。",
      "Partner apps file reports through GeoReport v2 (/open311/v2/). A key is shown once, when it is created.",
    )}</p>
${
  o.created
    ? html`<div class="notice" role="status"><h2>${tr("新しいキー", "New key")}: ${o.created.name}</h2>
<p>${tr("今すぐ控えてください。この画面を離れると二度と表示できません。", "Copy it now: it cannot be shown again.")}</p>
<p><code>${o.created.key}</code></p></div>`
    : o.resent
      ? html`<div class="notice" role="status"><p>${tr(
          "このフォームは送信済みです。キーは一度だけ作られ、もう表示できません。一覧で確認してください。",
          "This form was already sent: the key was created once and cannot be shown again. See the list.",
        )}</p></div>`
      : ""
}
<h2>${tr("キーの一覧", "Keys")}</h2>
${
  keys.length === 0
    ? html`<p>${tr("キーはまだありません。", "No keys yet.")}</p>`
    : html`<table><thead><tr><th scope="col">${tr("名前", "Name")}</th><th scope="col">${tr("先頭", "Starts with")}</th><th scope="col">${tr("作成", "Created")}</th><th scope="col">${tr("最終利用", "Last used")}</th><th scope="col">${tr("状態", "State")}</th></tr></thead>
<tbody>${keys.map(
        (key) =>
          html`<tr><td>${key.name}</td><td><code>${key.keyPrefix}…</code></td><td>${when(key.createdAt, lang)}</td><td>${when(key.lastUsedAt, lang)}</td><td>${
            key.revokedAt
              ? `${tr("無効", "Revoked")} ${when(key.revokedAt, lang)}`
              : html`<form method="post" action="${PATH}/${key.id}/revoke">${csrfField(c)}<button type="submit">${tr(
                  `「${key.name}」を無効にする`,
                  `Revoke “${key.name}”`,
                )}</button></form>`
          }</td></tr>`,
      )}</tbody></table>`
}
<h2>${tr("キーを作る", "Create a key")}</h2>
${o.error ? errorSummary(tr("入力内容を確認してください", "Check what you entered"), { name: o.error }) : ""}
<form method="post" action="${PATH}">${csrfField(c)}
<input type="hidden" name="nonce" value="${randomBytes(16).toString("base64url")}">
${inputField({
  name: "name",
  label: tr("使うアプリや団体の名前", "Name of the app or group using it"),
  value: o.typed ?? "",
  required: true,
  maxlength: 100,
  ...(o.error ? { error: o.error } : {}),
})}
<button type="submit">${tr("キーを作る", "Create key")}</button>
</form>`,
  });
}

/**
 * Staff pages of the Open311 keys: list, create (shown once), revoke (again: nothing to do, back to the
 * list). System administrators only.
 */
export const apiKeyPages = new Hono<AppEnv>()
  .get(PATH, async (c) => {
    await authorizeStaff(c, MANAGE_SETUP);
    return listPage(c);
  })
  .post(PATH, async (c) => {
    const staff = await authorizeStaff(c, MANAGE_SETUP);
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody();
    } catch {
      throw new ProblemError(400, "bad-request", {
        ja: "送信内容を読み取れません",
        en: "The form could not be read",
      });
    }
    const name = typeof body["name"] === "string" ? body["name"] : "";
    const nonce = typeof body["nonce"] === "string" ? body["nonce"] : "";
    if (!(await firstUseOf(c, nonce))) {
      return listPage(c, { resent: true, status: 409 });
    }
    try {
      const { key, apiKey } = await createApiKey({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        name,
        actor: { type: "staff", id: staff.id },
        requestId: c.var.requestId,
      });
      // No redirect: the key exists only in this answer, which must not be cached anywhere.
      c.header("Cache-Control", "no-store");
      return listPage(c, { created: { name: apiKey.name, key }, status: 201 });
    } catch (error) {
      if (error instanceof ProblemError && error.status === 400) {
        return listPage(c, { typed: name, error: error.title[c.var.lang], status: 400 });
      }
      throw error;
    }
  })
  .post(`${PATH}/:id${ID}/revoke`, async (c) => {
    const staff = await authorizeStaff(c, MANAGE_SETUP);
    await revokeApiKey({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      id: c.req.param("id"),
      actor: { type: "staff", id: staff.id },
      requestId: c.var.requestId,
    });
    return c.redirect(PATH, 303);
  });
