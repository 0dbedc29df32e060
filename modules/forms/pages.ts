import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { findCaseBySubject } from "../../core/cases/operations/find-case-by-subject.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaffOn, currentStaff } from "../../core/http/middleware.ts";
import { problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { hashSecret } from "../../core/identity/auth-flows.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { paymentsOfSubject } from "../payments/index.ts";
import { answerRows } from "./answer-rows.ts";
import { APPLICATION_SUBJECT } from "./application-case.ts";
import type { Answers } from "./definition/answers.ts";
import { localized } from "./definition/display-answer.ts";
import { FormDefinition, formDefinitionJsonSchema, type Page } from "./definition/form-definition.ts";
import { checkPage, feeOf, type PageInput, routeOf } from "./definition/validate-page.ts";
import { entryPages } from "./entry-pages.ts";
import { formAvailability } from "./form-availability.ts";
import { attachFile } from "./operations/attach-file.ts";
import { createReceipt } from "./operations/create-receipt.ts";
import { removeAttachment } from "./operations/remove-attachment.ts";
import { resubmitApplication } from "./operations/resubmit-application.ts";
import { saveApplicationPage } from "./operations/save-application-page.ts";
import { sendResumeLink } from "./operations/send-resume-link.ts";
import { startApplication } from "./operations/start-application.ts";
import { submitApplication } from "./operations/submit-application.ts";
import { findPostalAddress } from "./postal-codes/import-postal-codes.ts";
import {
  findLiveForm,
  findOwnDraft,
  isEditable,
  type OpenApplication,
  openApplication,
  setGuestCookie,
} from "./runner/access.ts";
import { formsClientScript } from "./runner/client-script.ts";
import { errorsIn, readPost, withoutGroupItem } from "./runner/posted-input.ts";
import { checkView, doneView, formPageView } from "./runner/views.ts";
import { applications, forms } from "./schema.ts";

const SLUG = "{[a-z0-9-]{2,60}}";
const ID = "{[0-9a-f-]{36}}";
const PAGE = "{[a-z][a-z0-9_]{0,62}}";

const base = (slug: string, id: string) => `/forms/${slug}/a/${id}`;

/** The LINE in-app browser says so in its user agent; applications remember the channel they came through. */
const channelOf = (c: Context<AppEnv>) =>
  /\bLine\//i.test(c.req.header("user-agent") ?? "") ? "line" : "web";

function renderFormPage(
  c: Context<AppEnv>,
  opened: OpenApplication,
  page: Page,
  options: { posted: PageInput | null; errors: Record<string, string>; status?: number; answers?: Answers },
) {
  const { lang, t } = c.var;
  const answers = options.answers ?? opened.application.answers;
  const route = routeOf(opened.definition, answers);
  const index = Math.max(
    0,
    route.findIndex((p) => p.key === page.key),
  );
  const href = base(opened.form.slug, opened.application.id);
  return renderPage(c, {
    title: `${Object.keys(options.errors).length > 0 ? `${t("forms.runner.errorPrefix")} ` : ""}${localized(page.title, lang)} - ${localized(opened.definition.title, lang)}`,
    status: options.status ?? 200,
    body: formPageView({
      lang,
      t,
      definition: opened.definition,
      page,
      step: index + 1,
      steps: route.length + 1,
      answers,
      posted: options.posted,
      errors: options.errors,
      action: `${href}/p/${page.key}`,
      backHref: index > 0 ? `${href}/p/${route[index - 1]!.key}` : `/forms/${opened.form.slug}`,
      csrf: csrfField(c),
      guest: opened.application.residentId === null,
    }),
  });
}

/** The page at this URL if it is on the resident's route; otherwise where they should be instead. */
function pageOnRoute(opened: OpenApplication, pageKey: string): { page: Page } | { redirect: string } {
  const route = routeOf(opened.definition, opened.application.answers);
  const page = route.find((p) => p.key === pageKey);
  if (page) {
    return { page };
  }
  return { redirect: `${base(opened.form.slug, opened.application.id)}/p/${route[0]!.key}` };
}

/** The resident's open payment and work-queue case of a submitted application, for the confirmation page. */
async function applicationProgress(c: Context<AppEnv>, applicationId: string) {
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const subject = { module: "forms", type: APPLICATION_SUBJECT, id: applicationId };
  const [payments, found] = await Promise.all([
    paymentsOfSubject({ db, tenantId, subject }),
    findCaseBySubject({ db, tenantId, subjectType: APPLICATION_SUBJECT, subjectId: applicationId }),
  ]);
  const payable = payments.filter((p) => !p.finished).at(-1) ?? null;
  return { payment: payable, caseId: found?.id ?? null };
}

const unavailableKey = {
  not_yet_open: "forms.landing.notYetOpen",
  closed: "forms.landing.closed",
  full: "forms.landing.full",
  fee_changed: "forms.correction.feeChanged",
} as const;

export const formsPages = new Hono<AppEnv>()
  .get("/forms/schema/v1.json", (c) =>
    c.json(formDefinitionJsonSchema(), 200, { "cache-control": "public, max-age=3600" }),
  )
  .get("/assets/forms.js", (c) =>
    c.body(formsClientScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  )
  .get("/forms/postal-codes/:code{[0-9]{7}}", async (c) => {
    const address = await findPostalAddress(c.var.services.database.db, c.req.param("code"));
    if (!address) {
      throw problems.notFound();
    }
    return c.json({ address }, 200, { "cache-control": "public, max-age=86400" });
  })
  .get(`/forms/:slug${SLUG}`, async (c) => {
    const { t, lang } = c.var;
    const live = await findLiveForm(c, c.req.param("slug"));
    const { definition, form } = live;
    const availability =
      form.status === "published"
        ? await formAvailability({
            db: c.var.services.database.db,
            tenantId: c.var.tenant.id,
            formId: form.id,
            definition,
          })
        : "closed";
    const resident = c.var.resident;
    const draft = resident ? await findOwnDraft(c, form.id, resident.id) : null;
    const title = localized(definition.title, lang);
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
${
  definition.description
    ? html`<div class="lead">${localized(definition.description, lang)
        .split("\n")
        .map((line) => html`<p>${line}</p>`)}</div>`
    : ""
}
<p>${t(`forms.landing.level.${definition.assuranceLevel}`)}</p>
${definition.closesAt ? html`<p>${t("forms.landing.closesAt", { date: new Date(definition.closesAt).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "long", timeStyle: "short" }) })}</p>` : ""}
${
  availability !== "open"
    ? html`<div class="notice" role="status"><p>${t(unavailableKey[availability])}</p></div>`
    : draft
      ? html`<div class="notice" role="status"><p>${t("forms.landing.draftSaved")}</p></div>
<p class="button-row"><a class="button" href="${base(form.slug, draft.id)}">${t("forms.landing.continue")}</a></p>`
      : html`<form method="post" action="/forms/${form.slug}/start">${csrfField(c)}
<div class="button-row"><button type="submit">${t("forms.landing.start")}</button></div></form>`
}`,
    });
  })
  // After signing in, requireResident brings the resident back here with a GET: show the start page again.
  .get(`/forms/:slug${SLUG}/start`, (c) => c.redirect(`/forms/${c.req.param("slug")}`, 303))
  .post(`/forms/:slug${SLUG}/start`, async (c) => {
    const live = await findLiveForm(c, c.req.param("slug"));
    const { definition, form, version } = live;
    const db = c.var.services.database.db;
    const availability =
      form.status === "published"
        ? await formAvailability({ db, tenantId: c.var.tenant.id, formId: form.id, definition })
        : "closed";
    if (availability !== "open") {
      return c.redirect(`/forms/${form.slug}`, 303);
    }
    const resident =
      definition.assuranceLevel === "none" ? c.var.resident : requireResident(c, definition.assuranceLevel);
    if (resident) {
      const draft = await findOwnDraft(c, form.id, resident.id);
      if (draft) {
        return c.redirect(base(form.slug, draft.id), 303);
      }
    }
    const started = await db.transaction((tx) =>
      startApplication({
        tx,
        tenantId: c.var.tenant.id,
        formId: form.id,
        versionId: version.id,
        definition,
        residentId: resident?.id ?? null,
        locale: c.var.lang,
        channel: channelOf(c),
        requestId: c.var.requestId,
      }),
    );
    if (started.guestKey) {
      setGuestCookie(c, started.application.id, started.guestKey);
    }
    return c.redirect(
      `${base(form.slug, started.application.id)}/p/${routeOf(definition, started.application.answers)[0]!.key}`,
      303,
    );
  })
  .get(`/forms/resume/:token{[0-9a-f-]{36}\\.[A-Za-z0-9_-]{20,64}}`, async (c) => {
    const [applicationId, key] = c.req.param("token").split(".") as [string, string];
    const [row] = await c.var.services.database.db
      .select({ application: applications, slug: forms.slug })
      .from(applications)
      .innerJoin(forms, eq(forms.id, applications.formId))
      .where(and(eq(applications.id, applicationId), eq(applications.tenantId, c.var.tenant.id)));
    const valid =
      row?.application.guestKeyHash === hashSecret(key) &&
      row.application.resumeExpiresAt !== null &&
      row.application.resumeExpiresAt > new Date();
    if (!row || !valid) {
      return renderPage(c, {
        title: c.var.t("forms.resume.invalidTitle"),
        status: 404,
        body: html`<h1>${c.var.t("forms.resume.invalidTitle")}</h1><p>${c.var.t("forms.resume.invalid")}</p>`,
      });
    }
    setGuestCookie(c, applicationId, key);
    return c.redirect(base(row.slug, applicationId), 303);
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}`, async (c) => {
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    if (opened.correction) {
      return c.redirect(`${href}/check`, 303);
    }
    if (opened.application.submittedAt) {
      return c.redirect(`${href}/done`, 303);
    }
    const route = routeOf(opened.definition, opened.application.answers);
    const next = route.find((p) => !opened.application.completedPages.includes(p.key));
    return c.redirect(next ? `${href}/p/${next.key}` : `${href}/check`, 303);
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}/p/:page${PAGE}`, async (c) => {
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    if (!isEditable(opened)) {
      return c.redirect(`${base(opened.form.slug, opened.application.id)}/done`, 303);
    }
    const found = pageOnRoute(opened, c.req.param("page"));
    if ("redirect" in found) {
      return c.redirect(found.redirect, 303);
    }
    return renderFormPage(c, opened, found.page, { posted: null, errors: {} });
  })
  .post(`/forms/:slug${SLUG}/a/:id${ID}/p/:page${PAGE}`, async (c) => {
    let opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    if (!isEditable(opened)) {
      return c.redirect(`${href}/done`, 303);
    }
    const found = pageOnRoute(opened, c.req.param("page"));
    if ("redirect" in found) {
      return c.redirect(found.redirect, 303);
    }
    const { page } = found;
    const { input, files, action } = await readPost(c);
    const here = `${href}/p/${page.key}`;
    const services = c.var.services;
    const db = services.database.db;
    const common = {
      tenantId: c.var.tenant.id,
      actor: opened.actor,
      requestId: c.var.requestId,
      correcting: opened.correction !== null,
    };

    if (action.startsWith("remove-file:")) {
      const [, fieldKey = "", attachmentId = ""] = action.split(":");
      await db.transaction((tx) =>
        removeAttachment({ tx, ...common, applicationId: opened.application.id, fieldKey, attachmentId }),
      );
      return c.redirect(`${here}#f-${fieldKey}`, 303);
    }
    if (action.startsWith("add:") || action.startsWith("remove:")) {
      const [verb, key = "", index = "0"] = action.split(":");
      const group = page.fields.find((f) => f.key === key);
      if (group?.type !== "group") {
        throw problems.notFound();
      }
      const count = Number(input.get(`${key}.count`)?.[0] ?? 1);
      const posted =
        verb === "add"
          ? new Map(input).set(`${key}.count`, [String(Math.min(group.maxItems, count + 1))])
          : withoutGroupItem(input, key, Number(index));
      return renderFormPage(c, opened, page, { posted, errors: {} });
    }

    // Uploads first, so the page check sees the files that made it through.
    const uploadErrors: Record<string, string> = {};
    let attached = false;
    for (const field of page.fields) {
      if (field.type !== "file" && field.type !== "signature") {
        continue;
      }
      const uploads: { name: string; bytes: Uint8Array }[] = [];
      for (const file of files.get(field.key) ?? []) {
        uploads.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      }
      const drawn = field.type === "signature" ? input.get(field.key)?.[0] : undefined;
      if (drawn?.startsWith("data:image/png;base64,")) {
        uploads.push({ name: "signature.png", bytes: Buffer.from(drawn.slice(22), "base64") });
      }
      for (const upload of uploads.filter((u) => u.bytes.byteLength > 0)) {
        const result = await attachFile({
          services,
          ...common,
          application: opened.application,
          field,
          fileName: upload.name,
          bytes: upload.bytes,
        });
        if (!result.ok) {
          uploadErrors[field.key] = `${upload.name}: ${result.reason[c.var.lang]}`;
          break;
        }
        attached = true;
      }
      input.delete(field.key);
    }
    if (attached) {
      opened = await openApplication(c, opened.form.slug, opened.application.id);
    }
    if (action.startsWith("upload:") || Object.keys(uploadErrors).length > 0) {
      return renderFormPage(c, opened, page, {
        posted: input,
        errors: uploadErrors,
        status: Object.keys(uploadErrors).length > 0 ? 400 : 200,
      });
    }

    const checked = checkPage({ form: opened.definition, page, input, current: opened.application.answers });
    for (const field of page.fields) {
      const typed =
        field.type === "signature" ? input.get(`${field.key}.typed`)?.[0]?.normalize("NFKC").trim() : "";
      if (typed) {
        checked.answers[field.key] = { typed: typed.slice(0, 100) };
        checked.problems = checked.problems.filter((p) => p.input !== field.key);
      }
    }
    const merged = { ...opened.application.answers, ...checked.answers };
    if (action === "save") {
      // Save and come back later: keep what is valid, without judging what is missing yet.
      const valid = Object.fromEntries(
        Object.entries(checked.answers).filter(
          ([key]) => !checked.problems.some((p) => p.input === key || p.input.startsWith(`${key}.`)),
        ),
      );
      await db.transaction((tx) =>
        saveApplicationPage({
          tx,
          ...common,
          application: opened.application,
          page,
          answers: valid,
          nextPage: page.key,
          complete: false,
        }),
      );
      return c.redirect(`${href}/saved`, 303);
    }
    if (checked.problems.length > 0) {
      return renderFormPage(c, opened, page, {
        posted: input,
        errors: errorsIn(c.var.lang, checked.problems),
        status: 400,
        answers: merged,
      });
    }
    const route = routeOf(opened.definition, merged);
    // Correcting a returned application: back to the check page after each change, like 変更 links.
    const next = opened.correction
      ? route.find((p) => p.key !== page.key && !opened.application.completedPages.includes(p.key))
      : route[route.findIndex((p) => p.key === page.key) + 1];
    await db.transaction((tx) =>
      saveApplicationPage({
        tx,
        ...common,
        application: opened.application,
        page,
        answers: checked.answers,
        nextPage: next?.key ?? "check",
        complete: true,
      }),
    );
    return c.redirect(next ? `${href}/p/${next.key}` : `${href}/check`, 303);
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}/saved`, async (c) => {
    const { t } = c.var;
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    const guest = opened.application.residentId === null;
    return renderPage(c, {
      title: t("forms.saved.title"),
      body: html`<h1>${t("forms.saved.title")}</h1>
${
  guest
    ? html`<p>${t("forms.saved.guestIntro")}</p>
<form method="post" action="${href}/resume-link">${csrfField(c)}
<div class="field"><label for="f-email">${t("forms.saved.email")}</label>
<input id="f-email" name="email" type="email" autocomplete="email" required></div>
<div class="button-row"><button type="submit">${t("forms.saved.send")}</button></div></form>`
    : html`<p>${t("forms.saved.resident")}</p><p><a href="/my">${t("forms.done.myPage")}</a></p>`
}
<p><a href="${href}">${t("forms.saved.continue")}</a></p>`,
    });
  })
  .post(`/forms/:slug${SLUG}/a/:id${ID}/resume-link`, async (c) => {
    const { t, lang } = c.var;
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    if (opened.application.residentId !== null || opened.application.submittedAt) {
      return c.redirect(href, 303);
    }
    const { input } = await readPost(c);
    const email = (input.get("email")?.[0] ?? "").normalize("NFKC").trim().toLowerCase();
    if (!/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/.test(email)) {
      return renderPage(c, {
        title: `${t("forms.runner.errorPrefix")} ${t("forms.saved.title")}`,
        status: 400,
        body: html`<h1>${t("forms.saved.title")}</h1>
<div class="error-summary" role="alert" tabindex="-1"><h2>${t("forms.runner.errorTitle")}</h2><ul><li><a href="#f-email">${t("forms.saved.badEmail")}</a></li></ul></div>
<form method="post" action="${href}/resume-link">${csrfField(c)}
<div class="field field-invalid"><label for="f-email">${t("forms.saved.email")}</label>
<span class="field-error" id="f-email-error">${t("forms.saved.badEmail")}</span>
<input id="f-email" name="email" type="email" autocomplete="email" required aria-invalid="true" aria-describedby="f-email-error" value="${email}"></div>
<div class="button-row"><button type="submit">${t("forms.saved.send")}</button></div></form>`,
      });
    }
    const tenant = c.var.tenant;
    const { guestKey } = await c.var.services.database.db.transaction((tx) =>
      sendResumeLink({
        tx,
        tenantId: tenant.id,
        application: opened.application,
        email,
        formTitle: localized(opened.definition.title, lang),
        cityName: lang === "ja" ? tenant.nameJa : tenant.nameEn,
        origin: publicOrigin(c),
        requestId: c.var.requestId,
      }),
    );
    setGuestCookie(c, opened.application.id, guestKey);
    return renderPage(c, {
      title: t("forms.saved.sentTitle"),
      body: html`<h1>${t("forms.saved.sentTitle")}</h1><p>${t("forms.saved.sent", { email })}</p>
<p><a href="${href}">${t("forms.saved.continue")}</a></p>`,
    });
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}/check`, async (c) => {
    const { t, lang } = c.var;
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    if (!isEditable(opened)) {
      return c.redirect(`${href}/done`, 303);
    }
    const { definition, application } = opened;
    const route = routeOf(definition, application.answers);
    const missing = route.find((p) => !application.completedPages.includes(p.key));
    if (missing) {
      return c.redirect(`${href}/p/${missing.key}`, 303);
    }
    const notice = c.req.query("unavailable");
    return renderPage(c, {
      title: `${t("forms.check.title")} - ${localized(definition.title, lang)}`,
      status: notice ? 409 : 200,
      body: checkView({
        lang,
        t,
        definition,
        pages: route,
        rows: answerRows({
          definition,
          answers: application.answers,
          provenance: application.provenance,
          lang,
          pages: route,
        }),
        baseHref: href,
        fee: feeOf(definition, application.answers),
        submitKey: randomBytes(16).toString("base64url"),
        csrf: csrfField(c),
        notice:
          notice && notice in unavailableKey
            ? t(unavailableKey[notice as keyof typeof unavailableKey])
            : null,
        correction: opened.correction,
      }),
    });
  })
  .post(`/forms/:slug${SLUG}/a/:id${ID}/submit`, async (c) => {
    const { lang } = c.var;
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    const { input } = await readPost(c);
    const submitKey = input.get("_idempotency")?.[0] ?? "";
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(submitKey)) {
      throw problems.invalidRequest([
        { pointer: "/_idempotency", detail: "Missing submit key", detailJa: "送信キーがありません" },
      ]);
    }
    const tenant = c.var.tenant;
    const origin = publicOrigin(c);
    const result = await c.var.services.database.db.transaction((tx) =>
      submitApplication({
        tx,
        tenantId: tenant.id,
        actor: opened.actor,
        applicationId: opened.application.id,
        definition: opened.definition,
        cityName: lang === "ja" ? tenant.nameJa : tenant.nameEn,
        applicationUrl: `${origin}${href}/done`,
        submitKey,
        requestId: c.var.requestId,
      }),
    );
    if (result.outcome === "incomplete") {
      return c.redirect(`${href}/p/${result.missingPage}`, 303);
    }
    if (result.outcome === "unavailable") {
      return c.redirect(`${href}/check?unavailable=${result.reason}`, 303);
    }
    // Pay at submission: straight on to the payment page, which comes back to the confirmation. A second tap
    // of the submit button lands on the same payment.
    if (result.payPath) {
      return c.redirect(result.payPath, 303);
    }
    if (result.application.paymentStatus === "unpaid" && result.application.residentId) {
      const { payment } = await applicationProgress(c, result.application.id);
      if (payment) {
        return c.redirect(`/payments/${payment.id}`, 303);
      }
    }
    return c.redirect(`${href}/done`, 303);
  })
  .post(`/forms/:slug${SLUG}/a/:id${ID}/resubmit`, async (c) => {
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const href = base(opened.form.slug, opened.application.id);
    if (!opened.correction) {
      return c.redirect(`${href}/done`, 303);
    }
    const result = await c.var.services.database.db.transaction((tx) =>
      resubmitApplication({
        tx,
        tenantId: c.var.tenant.id,
        actor: opened.actor,
        applicationId: opened.application.id,
        caseId: opened.correction!.caseId,
        definition: opened.definition,
        origin: publicOrigin(c),
        requestId: c.var.requestId,
      }),
    );
    if (result.outcome === "incomplete") {
      return c.redirect(`${href}/p/${result.missingPage}`, 303);
    }
    if (result.outcome === "fee_changed") {
      return c.redirect(`${href}/check?unavailable=fee_changed`, 303);
    }
    return c.redirect(`${href}/done`, 303);
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}/done`, async (c) => {
    const { t, lang } = c.var;
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    const { application, definition } = opened;
    if (!application.submittedAt || !application.referenceNumber) {
      return c.redirect(base(opened.form.slug, application.id), 303);
    }
    const signedIn = application.residentId !== null;
    const { payment, caseId } = signedIn
      ? await applicationProgress(c, application.id)
      : { payment: null, caseId: null };
    return renderPage(c, {
      title: `${t("forms.done.title")} - ${localized(definition.title, lang)}`,
      body: doneView({
        lang,
        t,
        definition,
        referenceNumber: application.referenceNumber,
        baseHref: base(opened.form.slug, application.id),
        fee: application.feeAmount,
        paymentStatus: application.paymentStatus,
        payHref: payment && application.paymentStatus === "unpaid" ? `/payments/${payment.id}` : null,
        caseHref: caseId ? `/my/cases/${caseId}` : null,
        signedIn,
      }),
    });
  })
  .get(`/forms/:slug${SLUG}/a/:id${ID}/receipt.pdf`, async (c) => {
    const opened = await openApplication(c, c.req.param("slug"), c.req.param("id"));
    if (!opened.application.submittedAt) {
      throw problems.notFound();
    }
    const receipt = await createReceipt({
      services: c.var.services,
      tenantId: c.var.tenant.id,
      applicationId: opened.application.id,
    });
    return c.body(receipt.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="receipt-${opened.application.referenceNumber}.pdf"`,
      "cache-control": "private, no-store",
    });
  })
  .get(`/staff/forms/:id${ID}/preview`, async (c) => {
    const { lang, t } = c.var;
    await currentStaff(c);
    const [form] = await c.var.services.database.db
      .select()
      .from(forms)
      .where(and(eq(forms.id, c.req.param("id")), eq(forms.tenantId, c.var.tenant.id)));
    if (!form) {
      throw problems.notFound();
    }
    await authorizeStaffOn(c, "forms.form.read", {
      type: "forms_form",
      id: form.id,
      departmentId: form.departmentId,
    });
    const definition = FormDefinition.parse(form.draft);
    const pageKey = c.req.query("page");
    const page = definition.pages.find((p) => p.key === pageKey) ?? definition.pages[0]!;
    const index = definition.pages.indexOf(page);
    return renderPage(c, {
      title: `${t("forms.preview.title")}: ${localized(page.title, lang)}`,
      body: formPageView({
        lang,
        t,
        definition,
        page,
        step: index + 1,
        steps: definition.pages.length + 1,
        answers: {},
        posted: null,
        errors: {},
        action: "#",
        backHref: null,
        csrf: html``,
        guest: false,
        preview: true,
      }),
    });
  })
  .route("/", entryPages);
