import { officialAnswers } from "../application-case.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import type { Application } from "../schema.ts";
import { type AnswerEntry, answerEntries } from "./answer-entries.ts";

/** What a core system receives about one submitted application (JSON API and webhooks). */
export type SubmittedApplication = {
  applicationId: string;
  referenceNumber: string;
  form: { id: string; slug: string; title: { ja: string; en: string | null }; version: number };
  submittedAt: string;
  channel: Application["channel"];
  locale: Application["locale"];
  fee: number | null;
  paymentStatus: Application["paymentStatus"];
  answers: Record<string, AnswerEntry>;
};

export type SubmittedApplicationSource = {
  application: Pick<
    Application,
    | "id"
    | "referenceNumber"
    | "submittedAt"
    | "channel"
    | "locale"
    | "feeAmount"
    | "paymentStatus"
    | "answers"
    | "submittedAnswers"
    | "provenance"
  >;
  form: { id: string; slug: string };
  version: { number: number; definition: FormDefinition };
};

/** No resident id or e-mail address: the receiver identifies the application by its reference number. */
export function presentSubmittedApplication({
  application,
  form,
  version,
}: SubmittedApplicationSource): SubmittedApplication {
  return {
    applicationId: application.id,
    referenceNumber: application.referenceNumber ?? "",
    form: {
      id: form.id,
      slug: form.slug,
      title: { ja: version.definition.title.ja, en: version.definition.title.en ?? null },
      version: version.number,
    },
    submittedAt: application.submittedAt?.toISOString() ?? "",
    channel: application.channel,
    locale: application.locale,
    fee: application.feeAmount,
    paymentStatus: application.paymentStatus,
    answers: answerEntries({
      definition: version.definition,
      answers: officialAnswers(application),
      provenance: application.provenance,
    }),
  };
}
