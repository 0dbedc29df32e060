import { answerRows } from "./answer-rows.ts";
import { officialAnswers } from "./application-case.ts";
import type { Provenance } from "./definition/answers.ts";
import { contentHash } from "./definition/content-hash.ts";
import type { Lang } from "./definition/display-answer.ts";
import type { FormDefinition, LocalizedText } from "./definition/form-definition.ts";
import type { ApplicationListItem } from "./operations/find-applications.ts";
import type { FormDetail, FormOverview } from "./operations/get-form.ts";
import type { ApplicationRecord } from "./operations/read-application.ts";
import type { FormVersion } from "./schema.ts";
import type { FormTemplate } from "./templates/index.ts";

const title = (text: LocalizedText) => ({ ja: text.ja, ...(text.en ? { en: text.en } : {}) });

export function presentFormSummary({ form, currentVersion, applicationCount }: FormOverview) {
  return {
    id: form.id,
    slug: form.slug,
    title: title(form.draft.title),
    status: form.status,
    departmentId: form.departmentId,
    currentVersion: currentVersion?.number ?? null,
    draftUpdatedAt: form.draftUpdatedAt.toISOString(),
    // A form never published has nothing but unpublished content.
    hasUnpublishedChanges: currentVersion === null || currentVersion.contentHash !== contentHash(form.draft),
    applicationCount,
  };
}

export function presentFormDetail(detail: FormDetail) {
  return {
    ...presentFormSummary(detail),
    draft: detail.form.draft as FormDefinition,
    versions: detail.versions.map((version) => ({
      number: version.number,
      publishedAt: version.publishedAt.toISOString(),
      publishedBy: version.publishedBy,
      contentHash: version.contentHash,
    })),
  };
}

export function presentVersion(version: FormVersion) {
  return {
    number: version.number,
    definition: version.definition,
    publishedAt: version.publishedAt.toISOString(),
    contentHash: version.contentHash,
  };
}

export function presentTemplate(template: FormTemplate) {
  return { key: template.key, title: title(template.definition.title), category: template.category };
}

export function presentApplicationListItem(item: ApplicationListItem) {
  return {
    id: item.id,
    referenceNumber: item.referenceNumber ?? "",
    submittedAt: item.submittedAt?.toISOString() ?? "",
    versionNumber: item.versionNumber,
    residentId: item.residentId,
    channel: item.channel,
    locale: item.locale,
    feeAmount: item.feeAmount,
    paymentStatus: item.paymentStatus,
  };
}

/** Where a value came from, without the prefilled value itself (staff see the answer already). */
function presentProvenance({ source, prefilledFrom, changed }: Provenance) {
  return {
    source,
    ...(prefilledFrom ? { prefilledFrom } : {}),
    ...(changed === undefined ? {} : { changed }),
  };
}

export function presentApplication(record: ApplicationRecord, lang: Lang) {
  const { application, version } = record;
  return {
    id: application.id,
    referenceNumber: application.referenceNumber ?? "",
    formId: application.formId,
    formTitle: title(version.definition.title),
    versionNumber: version.number,
    submittedAt: application.submittedAt?.toISOString() ?? "",
    locale: application.locale,
    channel: application.channel,
    feeAmount: application.feeAmount,
    paymentStatus: application.paymentStatus,
    residentId: application.residentId,
    rows: answerRows({
      definition: version.definition,
      answers: officialAnswers(application),
      provenance: application.provenance,
      lang,
    }).map((row) => ({
      key: row.key,
      label: row.label,
      value: row.value,
      provenance: row.provenance && presentProvenance(row.provenance),
    })),
    attachments: record.attachments,
  };
}
