import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { StaffPageLink } from "../module.ts";
import type { WaitingRoomSettings } from "../tenancy/schema.ts";
import type { TenantResolver } from "../tenancy/tenant-resolver.ts";
import type { AppEnv } from "./app-env.ts";
import { errorSummary, type FieldErrors, inputField } from "./forms.ts";
import { csrfField, renderPage } from "./layout.ts";
import { authorizeStaff, clientIp } from "./middleware.ts";
import { saveWaitingRoomSettings } from "./waiting-room-settings.ts";

export const WAITING_ROOM_VERB = "core.waiting_room.manage";

/** The console menu entry; the app passes it to the session routes beside the modules' pages. */
export const waitingRoomStaffPage: StaffPageLink = {
  href: "/staff/waiting-room",
  label: { ja: "仮想待合室", en: "Waiting room" },
  verb: WAITING_ROOM_VERB,
};

// The core's message catalogue belongs to others; this page keeps its few bilingual texts here.
const text = {
  title: { ja: "仮想待合室", en: "Waiting room" },
  intro: {
    ja: "申込開始の直後など、アクセスが集中する時間帯に、指定したページへの入場を一定の速さに抑え、到着順にご案内します。",
    en: "For a rush moment (when bookings open), visitors of the given pages are let in at a set rate, in the order they arrived.",
  },
  statusOff: { ja: "現在は無効です。", en: "It is off." },
  statusActive: { ja: "現在、入場制限を行っています。", en: "It is queueing visitors now." },
  statusScheduled: { ja: "開始前です。", en: "It has not started yet." },
  statusEnded: { ja: "終了しました。", en: "The rush moment is over." },
  paths: { ja: "対象のパス（1行に1つ）", en: "Paths (one per line)" },
  pathsHint: {
    ja: "「/」で始まるパス。例: /facilities。そのパスと、その下のページが対象です。",
    en: 'Each starts with "/", e.g. /facilities; it covers that page and the pages below it.',
  },
  admitPerSecond: { ja: "1秒あたりの入場人数", en: "Visitors let in per second" },
  burst: { ja: "同時に入場できる人数（任意）", en: "Burst (optional)" },
  burstHint: {
    ja: "待っている人がいないときに一度に入れる人数。空欄なら1秒あたりの人数と同じです。",
    en: "How many may go in at once while nobody waits; empty means the same as per second.",
  },
  passMinutes: { ja: "入場後に自由に操作できる時間（分）", en: "Minutes an admitted visitor may stay" },
  from: { ja: "開始日時（日本時間、任意）", en: "From (Japan time, optional)" },
  until: { ja: "終了日時（日本時間、任意）", en: "Until (Japan time, optional)" },
  save: { ja: "保存して有効にする", en: "Save and turn on" },
  turnOff: { ja: "無効にする", en: "Turn off" },
  saved: { ja: "保存しました。", en: "Saved." },
  errorTitle: { ja: "入力内容を確認してください", en: "Please check the form" },
  pathsRequired: { ja: "対象のパスを1つ以上入力してください", en: "Enter at least one path" },
  pathInvalid: {
    ja: "パスは「/」で始め、空白を含めず、「/」だけにはできません",
    en: 'Each path starts with "/", has no spaces and is not "/" alone',
  },
  positive: { ja: "0より大きい数を入力してください", en: "Enter a number greater than 0" },
  wholeNumber: { ja: "1以上の整数を入力してください", en: "Enter a whole number of 1 or more" },
  dateTime: { ja: "日時を正しく入力してください", en: "Enter a valid date and time" },
  untilAfterFrom: { ja: "終了日時は開始日時より後にしてください", en: "Until must be after from" },
} as const;

type TextKey = keyof typeof text;
type Form = {
  paths: string;
  admitPerSecond: string;
  burst: string;
  passMinutes: string;
  from: string;
  until: string;
};

const TOKYO_OFFSET_MS = 9 * 3600_000;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** "2026-12-01T08:55" as the datetime-local field shows it, from a stored ISO instant. */
function tokyoLocal(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) {
    return "";
  }
  return new Date(Date.parse(iso) + TOKYO_OFFSET_MS).toISOString().slice(0, 16);
}

function formOf(settings: WaitingRoomSettings | undefined): Form {
  return {
    paths: settings?.paths.join("\n") ?? "",
    admitPerSecond: settings ? String(settings.admitPerSecond) : "",
    burst: settings?.burst !== undefined ? String(settings.burst) : "",
    passMinutes: settings ? String(settings.passMinutes) : "15",
    from: tokyoLocal(settings?.from),
    until: tokyoLocal(settings?.until),
  };
}

/** Checks the typed values; every problem is named per field as a message key. */
export function parseWaitingRoomForm(
  form: Form,
): { settings: WaitingRoomSettings } | { errors: Partial<Record<keyof Form, TextKey>> } {
  const errors: Partial<Record<keyof Form, TextKey>> = {};
  const paths = form.paths
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (paths.length === 0) {
    errors.paths = "pathsRequired";
  } else if (paths.some((path) => !/^\/\S+$/.test(path) || path.length > 200)) {
    errors.paths = "pathInvalid";
  }
  const admitPerSecond = Number(form.admitPerSecond);
  if (form.admitPerSecond.trim() === "" || !Number.isFinite(admitPerSecond) || admitPerSecond <= 0) {
    errors.admitPerSecond = "positive";
  }
  const burst = form.burst.trim() === "" ? undefined : Number(form.burst);
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1)) {
    errors.burst = "wholeNumber";
  }
  const passMinutes = Number(form.passMinutes);
  if (form.passMinutes.trim() === "" || !Number.isFinite(passMinutes) || passMinutes <= 0) {
    errors.passMinutes = "positive";
  }
  const instant = (field: "from" | "until"): string | undefined => {
    const value = form[field].trim();
    if (value === "") {
      return undefined;
    }
    const iso = `${value}:00+09:00`;
    if (!LOCAL_DATE_TIME.test(value) || Number.isNaN(Date.parse(iso))) {
      errors[field] = "dateTime";
      return undefined;
    }
    return iso;
  };
  const from = instant("from");
  const until = instant("until");
  if (from && until && Date.parse(until) <= Date.parse(from)) {
    errors.until = "untilAfterFrom";
  }
  if (Object.keys(errors).length > 0) {
    return { errors };
  }
  return {
    settings: {
      paths,
      admitPerSecond,
      ...(burst !== undefined ? { burst } : {}),
      passMinutes,
      ...(from ? { from } : {}),
      ...(until ? { until } : {}),
    },
  };
}

function statusOf(settings: WaitingRoomSettings | undefined, now: number): TextKey {
  if (!settings) {
    return "statusOff";
  }
  if (settings.from && now < Date.parse(settings.from)) {
    return "statusScheduled";
  }
  if (settings.until && now >= Date.parse(settings.until)) {
    return "statusEnded";
  }
  return "statusActive";
}

function settingsPage(
  c: Context<AppEnv>,
  o: { form: Form; errors?: Partial<Record<keyof Form, TextKey>>; saved?: boolean; status?: number },
) {
  const lang = c.var.lang;
  const say = (key: TextKey) => text[key][lang];
  const errors: FieldErrors = Object.fromEntries(
    Object.entries(o.errors ?? {}).map(([field, key]) => [field, say(key)]),
  );
  const current = c.var.tenant.settings.waitingRoom;
  const field = (name: "admitPerSecond" | "burst" | "passMinutes", hint?: string) =>
    inputField({
      name,
      label: say(name),
      value: o.form[name],
      ...(hint ? { hint } : {}),
      ...(errors[name] ? { error: errors[name] } : {}),
    });
  const dateField = (name: "from" | "until") => {
    const id = `f-${name}`;
    return html`<div class="field${errors[name] ? " field-invalid" : ""}">
<label for="${id}">${say(name)}</label>
${errors[name] ? html`<span class="field-error" id="${id}-error">${errors[name]}</span>` : ""}
<input id="${id}" name="${name}" type="datetime-local" value="${o.form[name]}"${
      errors[name] ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""
    }>
</div>`;
  };
  return renderPage(c, {
    title: say("title"),
    status: o.status ?? 200,
    body: html`<h1>${say("title")}</h1>
<p>${say("intro")}</p>
${o.saved ? html`<p role="status">${say("saved")}</p>` : ""}
<p data-waiting-room-status>${say(statusOf(current, Date.now()))}</p>
${errorSummary(say("errorTitle"), errors)}
<form method="post" action="/staff/waiting-room" novalidate>
${csrfField(c)}
<div class="field${errors["paths"] ? " field-invalid" : ""}">
<label for="f-paths">${say("paths")}</label>
<span class="hint" id="f-paths-hint">${say("pathsHint")}</span>
${errors["paths"] ? html`<span class="field-error" id="f-paths-error">${errors["paths"]}</span>` : ""}
<textarea id="f-paths" name="paths" rows="4" aria-describedby="f-paths-hint${errors["paths"] ? " f-paths-error" : ""}"${
      errors["paths"] ? html` aria-invalid="true"` : ""
    }>${o.form.paths}</textarea>
</div>
${field("admitPerSecond")}
${field("burst", say("burstHint"))}
${field("passMinutes")}
${dateField("from")}
${dateField("until")}
<button type="submit">${say("save")}</button>
</form>
${
  current
    ? html`<form method="post" action="/staff/waiting-room/off">${csrfField(c)}<button type="submit">${say("turnOff")}</button></form>`
    : ""
}`,
  });
}

/** The system administrators' page to turn the waiting room on for a rush moment, or off. */
export const waitingRoomSettingsPages = ({ tenants }: { tenants: TenantResolver }) =>
  new Hono<AppEnv>()
    .get("/staff/waiting-room", async (c) => {
      await authorizeStaff(c, WAITING_ROOM_VERB);
      c.header("cache-control", "no-store");
      return settingsPage(c, {
        form: formOf(c.var.tenant.settings.waitingRoom),
        saved: c.req.query("saved") === "1",
      });
    })
    .post("/staff/waiting-room", async (c) => {
      const staff = await authorizeStaff(c, WAITING_ROOM_VERB);
      const body = await c.req.parseBody();
      const value = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
      const form: Form = {
        paths: value("paths"),
        admitPerSecond: value("admitPerSecond"),
        burst: value("burst"),
        passMinutes: value("passMinutes"),
        from: value("from"),
        until: value("until"),
      };
      const parsed = parseWaitingRoomForm(form);
      if ("errors" in parsed) {
        return settingsPage(c, { form, errors: parsed.errors, status: 422 });
      }
      await saveWaitingRoomSettings({
        db: c.var.services.database.db,
        tenants,
        tenantId: c.var.tenant.id,
        settings: parsed.settings,
        actor: { type: "staff", id: staff.id },
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      return c.redirect("/staff/waiting-room?saved=1", 303);
    })
    .post("/staff/waiting-room/off", async (c) => {
      const staff = await authorizeStaff(c, WAITING_ROOM_VERB);
      await saveWaitingRoomSettings({
        db: c.var.services.database.db,
        tenants,
        tenantId: c.var.tenant.id,
        settings: null,
        actor: { type: "staff", id: staff.id },
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      return c.redirect("/staff/waiting-room?saved=1", 303);
    });
