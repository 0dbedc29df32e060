import { createHash, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { dueAtFor, tenantCalendar } from "../../../core/cases/sla.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { containsPoint, isLatLng, type LatLng, nearestInside, round6 } from "../../../core/geo/geo.ts";
import { hasUnwritableCharacters } from "../../../core/http/unwritable-text.ts";
import { newReferenceNumber } from "../../../core/reference/reference-number.ts";
import type { Services } from "../../../core/services.ts";
import { checkUpload } from "../../../core/storage/check-upload.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { checkFormAnswers, loadFormQuestions, type PageInput } from "../../forms/index.ts";
import { publicPlacement } from "../placement.ts";
import { loadRoutingSetup, routeReport, shareRoutingSetup } from "../routing.ts";
import {
  type Report,
  type ReportChannel,
  reportAreas,
  reportCategories,
  reportEntries,
  reportFollowers,
  reportPhotos,
  reportStatuses,
  reports,
} from "../schema.ts";

type Bilingual = { ja: string; en: string };

export const MAX_DESCRIPTION_LENGTH = 4000;
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type ReportProblemField = "category" | "location" | "description" | "photos" | "contact" | "answers";

export type ReportProblem = {
  field: ReportProblemField;
  /** For "answers": the question's input name, as the forms runner names it. */
  input?: string;
  message: Bilingual;
  /** For a point outside the city: the nearest place inside it. */
  suggestion?: LatLng;
};

export type SubmitReportOptions = {
  services: Services;
  tenantId: string;
  actor: Actor;
  categoryCode: string;
  point: LatLng;
  address?: string;
  description: string;
  /** Answers to the category's extra questions, as posted (input name → values). */
  answerInput?: PageInput;
  channel: ReportChannel;
  residentId?: string | null;
  contact?: { name?: string | null; email?: string | null; phone?: string | null };
  /** The reporter asked not to be known: no contact is kept even if given. */
  anonymous?: boolean;
  photos?: readonly { fileName: string; bytes: Uint8Array }[];
  open311KeyId?: string | null;
  /** The language the reporter used: progress updates are written in it. */
  locale?: "ja" | "en";
  enteredByStaffId?: string | null;
  requestId?: string | null;
};

export type SubmitReportResult = { ok: true; report: Report } | { ok: false; problems: ReportProblem[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Longest accepted contact and address fields: a name, an address line, an e-mail address, a phone number. */
const LIMITS = { name: 100, email: 254, phone: 30, address: 200 } as const;

const unwritable = hasUnwritableCharacters;

const unwritableMessage = (what: Bilingual): Bilingual => ({
  ja: `${what.ja}に使えない文字が含まれています`,
  en: `The ${what.en} contains characters that cannot be used`,
});

const clean = (value: string | null | undefined) => value?.normalize("NFKC").trim() || null;

/**
 * Files a report from any channel (web, LINE, staff entry by phone or patrol, Open311): checks the
 * category, the point against the city's boundary, the description, the contact and up to three photos;
 * routes it by the city's rules; sets its deadline from the category's SLA; and writes the report, its
 * photos, its first timeline entries, the reporter as follower, the audit record and the event in one
 * transaction. A refusal lists every problem and stores nothing.
 */
export async function submitReport(options: SubmitReportOptions): Promise<SubmitReportResult> {
  const { services, tenantId } = options;
  const db = services.database.db;
  const problems: ReportProblem[] = [];
  const [category] = await db
    .select()
    .from(reportCategories)
    .where(
      and(
        eq(reportCategories.tenantId, tenantId),
        eq(reportCategories.code, options.categoryCode),
        eq(reportCategories.active, true),
      ),
    );
  if (!category) {
    return {
      ok: false,
      problems: [
        {
          field: "category",
          message: { ja: "通報の種類を選んでください", en: "Choose what you are reporting" },
        },
      ],
    };
  }
  const routing = await loadRoutingSetup(db, tenantId);
  const point = round6(options.point);
  if (!isLatLng(point)) {
    problems.push({
      field: "location",
      message: { ja: "地図で場所を選んでください", en: "Choose the place on the map" },
    });
  } else if (routing.boundary && !containsPoint(routing.boundary.geometry, point)) {
    problems.push({
      field: "location",
      message: {
        ja: `選んだ場所は${routing.boundary.nameJa}の区域外です。区域内のいちばん近い場所を示しました`,
        en: `The place you chose is outside ${routing.boundary.nameEn}. The nearest place inside is suggested`,
      },
      suggestion: nearestInside(routing.boundary.geometry, point),
    });
  }
  const description = options.description.normalize("NFC").trim();
  if (unwritable(description)) {
    problems.push({ field: "description", message: unwritableMessage({ ja: "説明", en: "description" }) });
  } else if (description.length === 0) {
    problems.push({
      field: "description",
      message: { ja: "どんな状態か書いてください", en: "Describe the problem" },
    });
  } else if (description.length > MAX_DESCRIPTION_LENGTH) {
    problems.push({
      field: "description",
      message: {
        ja: `説明は${MAX_DESCRIPTION_LENGTH}文字以内で書いてください（いま${description.length}文字）`,
        en: `The description can be at most ${MAX_DESCRIPTION_LENGTH} characters (it is ${description.length})`,
      },
    });
  }
  const anonymous = options.anonymous === true;
  const contact = anonymous
    ? { name: null, email: null, phone: null }
    : {
        name: clean(options.contact?.name),
        email: clean(options.contact?.email)?.toLowerCase() ?? null,
        phone: clean(options.contact?.phone),
      };
  const address = clean(options.address);
  if (unwritable(address) || (address?.length ?? 0) > LIMITS.address) {
    problems.push({
      field: "location",
      message: {
        ja: `住所・目印は${LIMITS.address}文字以内で、使える文字で書いてください`,
        en: `The address or landmark must be at most ${LIMITS.address} characters of ordinary text`,
      },
    });
  }
  for (const key of ["name", "email", "phone"] as const) {
    const value = contact[key];
    if (unwritable(value) || (value?.length ?? 0) > LIMITS[key]) {
      const label = {
        name: ["お名前", "name"],
        email: ["メールアドレス", "e-mail address"],
        phone: ["電話番号", "phone number"],
      }[key];
      problems.push({
        field: "contact",
        message: {
          ja: `${label[0]}は${LIMITS[key]}文字以内で、使える文字で書いてください`,
          en: `The ${label[1]} must be at most ${LIMITS[key]} characters of ordinary text`,
        },
      });
    }
  }
  if (contact.email && contact.email.length <= LIMITS.email && !EMAIL.test(contact.email)) {
    problems.push({
      field: "contact",
      message: { ja: "メールアドレスの形が正しくありません", en: "The e-mail address is not valid" },
    });
  }
  const known = Boolean(options.residentId || contact.email || contact.phone || options.enteredByStaffId);
  if (!category.allowAnonymous && (anonymous || !known)) {
    problems.push({
      field: "contact",
      message: {
        ja: "この種類の通報は、連絡先（メールアドレスか電話番号）が必要です",
        en: "This kind of report needs a way to contact you (e-mail or phone)",
      },
    });
  }
  let answers: Record<string, unknown> = {};
  if ([...(options.answerInput?.values() ?? [])].flat().some(unwritable)) {
    problems.push({ field: "answers", message: unwritableMessage({ ja: "回答", en: "answers" }) });
  } else if (category.formSlug) {
    const questions = await loadFormQuestions(db, { tenantId, slug: category.formSlug });
    if (questions) {
      const checked = checkFormAnswers(questions, options.answerInput ?? new Map());
      answers = checked.answers;
      for (const problem of checked.problems) {
        problems.push({ field: "answers", input: problem.input, message: problem.message });
      }
    }
  }
  const photos = options.photos ?? [];
  if (photos.length > MAX_PHOTOS) {
    problems.push({
      field: "photos",
      message: {
        ja: `写真は${MAX_PHOTOS}枚までです`,
        en: `You can add at most ${MAX_PHOTOS} photos`,
      },
    });
  }
  const checkedPhotos: { bytes: Uint8Array; contentType: string; fileName: string }[] = [];
  for (const [index, photo] of photos.slice(0, MAX_PHOTOS).entries()) {
    const checked = await checkUpload({
      services,
      bytes: photo.bytes,
      maxBytes: MAX_PHOTO_BYTES,
      accept: ["image"],
      logContext: { module: "reports", photo: index + 1 },
    });
    if (checked.ok) {
      checkedPhotos.push({
        bytes: checked.bytes,
        contentType: checked.contentType,
        fileName: photo.fileName,
      });
    } else {
      problems.push({
        field: "photos",
        message: {
          ja: `写真${index + 1}: ${checked.reason.ja}`,
          en: `Photo ${index + 1}: ${checked.reason.en}`,
        },
      });
    }
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }

  let route = routeReport(routing, category, point);
  const locale = options.locale ?? "ja";
  const calendar = await tenantCalendar(db, tenantId);
  const receivedAt = new Date();
  const stored = checkedPhotos.map((photo) => ({
    ...photo,
    key: `reports/${tenantId}/photos/${randomUUID()}`,
  }));
  for (const photo of stored) {
    await services.storage.put(photo.key, photo.bytes, photo.contentType);
  }
  try {
    const report = await db.transaction(async (tx) => {
      await shareRoutingSetup(tx, tenantId);
      // An area deleted after routing (its delete committed before this lock was granted) is no longer there
      // to name: route again with the setup as it is now. One lookup by key in the usual case.
      if (route.areaId) {
        const [stillThere] = await tx
          .select({ id: reportAreas.id })
          .from(reportAreas)
          .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.id, route.areaId)));
        if (!stillThere) {
          route = routeReport(await loadRoutingSetup(tx, tenantId), category, point);
        }
      }
      const [initial] = await tx
        .select()
        .from(reportStatuses)
        .where(and(eq(reportStatuses.tenantId, tenantId), eq(reportStatuses.isInitial, true)));
      if (!initial) {
        throw new Error(`Tenant ${tenantId} has no initial report status`);
      }
      const [row] = await tx
        .insert(reports)
        .values({
          tenantId,
          reference: newReferenceNumber("V"),
          categoryId: category.id,
          statusKey: initial.key,
          stage: initial.stage,
          statusCategory: initial.category,
          lat: point.lat,
          lng: point.lng,
          ...publicPlacement(category, point),
          address: address ?? "",
          areaId: route.areaId,
          description,
          answers,
          channel: options.channel,
          residentId: options.residentId ?? null,
          contactName: contact.name,
          contactEmail: contact.email,
          contactPhone: contact.phone,
          anonymous,
          departmentId: route.departmentId,
          open311KeyId: options.open311KeyId ?? null,
          enteredByStaffId: options.enteredByStaffId ?? null,
          receivedAt,
          dueAt: category.slaBusinessDays ? dueAtFor(receivedAt, category.slaBusinessDays, calendar) : null,
        })
        .returning();
      const report = row!;
      for (const [index, photo] of stored.entries()) {
        const [file] = await tx
          .insert(storedFiles)
          .values({
            tenantId,
            storageKey: photo.key,
            fileName: `report-${report.reference}-${index + 1}.${photo.contentType === "image/png" ? "png" : "jpg"}`,
            contentType: photo.contentType,
            sizeBytes: photo.bytes.byteLength,
            sha256: createHash("sha256").update(photo.bytes).digest("hex"),
          })
          .returning({ id: storedFiles.id });
        await tx
          .insert(reportPhotos)
          .values({ tenantId, reportId: report.id, fileId: file!.id, position: index + 1 });
      }
      const entry = {
        tenantId,
        reportId: report.id,
        actorType: options.actor.type,
        actorId: options.actor.id,
      };
      await tx.insert(reportEntries).values([
        {
          ...entry,
          kind: "received",
          toStatus: initial.key,
          public: true,
          data: { channel: options.channel },
        },
        {
          ...entry,
          actorType: "system",
          actorId: null,
          kind: "routed",
          public: false,
          data: { departmentId: route.departmentId, ruleId: route.ruleId, reason: route.reason },
        },
      ]);
      if (options.residentId) {
        await tx.insert(reportFollowers).values({
          tenantId,
          reportId: report.id,
          residentId: options.residentId,
          source: "reporter",
          locale,
        });
      } else if (contact.email) {
        // Unconfirmed (confirmed_at null): nobody has shown the address is theirs, so it gets no updates until
        // its owner opens the link the report_submitted subscriber mails to it.
        await tx
          .insert(reportFollowers)
          .values({ tenantId, reportId: report.id, email: contact.email, source: "reporter", locale });
      }
      await recordChange(tx, {
        tenantId,
        actor: options.actor,
        action: "reports.report.submit",
        resource: { type: "report", id: report.id },
        after: {
          reference: report.reference,
          category: category.code,
          channel: report.channel,
          departmentId: report.departmentId,
          photos: stored.length,
        },
        event: {
          name: "reports.report_submitted",
          payload: { reportId: report.id, reference: report.reference, category: category.code },
        },
        requestId: options.requestId ?? null,
      });
      return report;
    });
    return { ok: true, report };
  } catch (error) {
    for (const photo of stored) {
      await services.storage.delete(photo.key).catch(() => undefined);
    }
    throw error;
  }
}
