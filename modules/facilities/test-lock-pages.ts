import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { listFacilityUnits } from "./operations/list-facility-units.ts";
import { formFields, pick, say, UUID } from "./page-kit.ts";
import { tryTestLock } from "./smart-lock.ts";

/**
 * The built-in test lock's keypad, for the demo and tests: pick a unit, type a PIN, and the lock opens or
 * refuses as a real one would at that moment (or at the time given, to try a booking ahead of time).
 */
export const testLockPages = new Hono<AppEnv>()
  .get("/facilities/test-lock", (c) => keypad(c, null))
  .post("/facilities/test-lock", async (c) => {
    const get = await formFields(c);
    const unitId = get("unit");
    const at = get("at") ? new Date(get("at")) : new Date();
    const valid = UUID.test(unitId) && /^\d{4,8}$/.test(get("pin")) && !Number.isNaN(at.getTime());
    const opened =
      valid &&
      (await tryTestLock(c.var.services.database.db, {
        tenantId: c.var.tenant.id,
        unitId,
        pin: get("pin"),
        at,
      }));
    return keypad(c, opened, valid ? 200 : 400);
  });

async function keypad(c: Parameters<typeof renderPage>[0], opened: boolean | null, status = 200) {
  const units = await listFacilityUnits(c.var.services.database.db, { tenantId: c.var.tenant.id });
  const title = say(c, "テスト用の電子錠", "Test door lock");
  return renderPage(c, {
    title,
    status,
    body: html`<h1>${title}</h1>
<p>${say(c, "デモと試験用の電子錠です。本物の錠の代わりに、発行された暗証番号で開くかを確かめられます。", "A stand-in lock for the demo and tests: check whether an issued door code opens it.")}</p>
${
  opened === null
    ? ""
    : opened
      ? html`<div class="panel-done" role="status"><p id="lock-result">${say(c, "解錠しました", "Opened")}</p></div>`
      : html`<div class="error-summary" role="alert"><p id="lock-result">${say(c, "暗証番号が違うか、使える時間ではありません", "Refused: wrong code, or not valid at this time")}</p></div>`
}
<form method="post" action="/facilities/test-lock">${csrfField(c)}
<div class="field"><label for="f-unit">${say(c, "部屋・面", "Room or court")}</label>
<select id="f-unit" name="unit">${units.map((u) => html`<option value="${u.id}">${pick(c, u.facilityName)} ${pick(c, u.name)}</option>`)}</select></div>
<div class="field"><label for="f-pin">${say(c, "暗証番号", "Door code")}</label>
<input id="f-pin" name="pin" inputmode="numeric" autocomplete="off" class="input-short"></div>
<div class="field"><label for="f-at">${say(c, "日時（空欄なら今）", "Time (blank for now)")}</label>
<input id="f-at" name="at" placeholder="2026-12-01T10:00:00+09:00"></div>
<div class="button-row"><button type="submit">${say(c, "開ける", "Open")}</button></div></form>`,
  });
}
