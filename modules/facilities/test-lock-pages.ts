import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import { consumeRateLimit, resetRateLimit } from "../../core/identity/rate-limit.ts";
import { listFacilityUnits } from "./operations/list-facility-units.ts";
import { formFields, pick, say, UUID } from "./page-kit.ts";
import { tryTestLock } from "./smart-lock.ts";

/** Wrong codes a unit's keypad takes in LOCKOUT_SECONDS before it refuses everything, as real locks do. */
const LOCKOUT_ATTEMPTS = 10;
const LOCKOUT_SECONDS = 600;

/**
 * The built-in test lock's keypad, only on an install that seeds the demo city (demo and tests): pick a unit,
 * type a PIN, and the lock opens or refuses as a real one would now. It never takes a time from the form,
 * and it locks a unit out after too many wrong codes, so it is no oracle for guessing codes.
 */
export const testLockPages = new Hono<AppEnv>()
  .use("/facilities/test-lock", async (c, next) => {
    if (!c.var.services.config.seedDemo) {
      throw problems.notFound();
    }
    await next();
  })
  .get("/facilities/test-lock", (c) => keypad(c, null))
  .post("/facilities/test-lock", async (c) => {
    const get = await formFields(c);
    const unitId = get("unit");
    if (!UUID.test(unitId) || !/^\d{4,8}$/.test(get("pin"))) {
      return keypad(c, "refused", 400);
    }
    const db = c.var.services.database.db;
    const attempts = `facilities-test-lock:${c.var.tenant.id}:${unitId}`;
    if (
      !(await consumeRateLimit(db, {
        key: attempts,
        limit: LOCKOUT_ATTEMPTS,
        windowSeconds: LOCKOUT_SECONDS,
      }))
    ) {
      return keypad(c, "locked_out", 429);
    }
    const opened = await tryTestLock(db, {
      tenantId: c.var.tenant.id,
      unitId,
      pin: get("pin"),
      at: new Date(),
    });
    if (opened) {
      await resetRateLimit(db, attempts);
    }
    return keypad(c, opened ? "opened" : "refused");
  });

async function keypad(
  c: Parameters<typeof renderPage>[0],
  outcome: "opened" | "refused" | "locked_out" | null,
  status: 200 | 400 | 429 = 200,
) {
  const units = await listFacilityUnits(c.var.services.database.db, { tenantId: c.var.tenant.id });
  const title = say(c, "テスト用の電子錠", "Test door lock");
  return renderPage(c, {
    title,
    status,
    body: html`<h1>${title}</h1>
<p>${say(c, "デモと試験用の電子錠です。本物の錠の代わりに、発行された暗証番号で開くかを確かめられます。", "A stand-in lock for the demo and tests: check whether an issued door code opens it.")}</p>
${
  outcome === null
    ? ""
    : outcome === "opened"
      ? html`<div class="panel-done" role="status"><p id="lock-result">${say(c, "解錠しました", "Opened")}</p></div>`
      : outcome === "locked_out"
        ? html`<div class="error-summary" role="alert"><p id="lock-result">${say(c, "暗証番号の誤りが続いたため、しばらく操作できません", "Too many wrong codes: the lock is blocked for a while")}</p></div>`
        : html`<div class="error-summary" role="alert"><p id="lock-result">${say(c, "暗証番号が違うか、使える時間ではありません", "Refused: wrong code, or not valid at this time")}</p></div>`
}
<form method="post" action="/facilities/test-lock">${csrfField(c)}
<div class="field"><label for="f-unit">${say(c, "部屋・面", "Room or court")}</label>
<select id="f-unit" name="unit">${units.map((u) => html`<option value="${u.id}">${pick(c, u.facilityName)} ${pick(c, u.name)}</option>`)}</select></div>
<div class="field"><label for="f-pin">${say(c, "暗証番号", "Door code")}</label>
<input id="f-pin" name="pin" inputmode="numeric" autocomplete="off" class="input-short"></div>
<div class="button-row"><button type="submit">${say(c, "開ける", "Open")}</button></div></form>`,
  });
}
