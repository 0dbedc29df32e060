import type { CellValue } from "../../../core/exports/csv.ts";
import type {
  Answers,
  AnswerValue,
  AttachmentRef,
  LocationValue,
  NameValue,
  ScalarAnswer,
} from "../definition/answers.ts";
import type { Field, FormDefinition, GroupMemberField } from "../definition/form-definition.ts";
import type { Application, ApplicationChannel, PaymentStatus } from "../schema.ts";

/** One column of an export: `key` is stable across versions (what a core system maps), `header` is read by people. */
export type ExportColumn = { key: string; header: string };

/** An answer column with how to read its cell from one application's answers. */
export type AnswerColumn = ExportColumn & { cell(answers: Answers): CellValue };

export const channelLabels: Record<ApplicationChannel, string> = {
  web: "ウェブ",
  line: "LINE",
  counter: "窓口",
  paper: "郵送・紙",
  phone: "電話",
};

export const paymentStatusLabels: Record<PaymentStatus, string> = {
  not_required: "不要",
  awaiting_amount: "金額確定待ち",
  unpaid: "未払い",
  paid: "支払済み",
  refunded: "返金済み",
};

/** What every file starts with, whatever the version. */
export const metaColumns: readonly ExportColumn[] = [
  { key: "referenceNumber", header: "受付番号" },
  { key: "submittedAt", header: "申請日時" },
  { key: "version", header: "様式の版" },
  { key: "channel", header: "受付方法" },
  { key: "fee", header: "手数料（円）" },
  { key: "paymentStatus", header: "支払状況" },
];

const jst = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** "2026-05-01 09:30:15" in Japan time: a form Excel recognises as a date and time. */
export function jstDateTime(at: Date): string {
  return jst.format(at);
}

export type ExportedApplication = Pick<
  Application,
  | "referenceNumber"
  | "submittedAt"
  | "channel"
  | "feeAmount"
  | "paymentStatus"
  | "answers"
  | "submittedAnswers"
> & { versionNumber: number };

export function metaCells(application: ExportedApplication): CellValue[] {
  return [
    application.referenceNumber,
    application.submittedAt ? jstDateTime(application.submittedAt) : null,
    application.versionNumber,
    channelLabels[application.channel],
    application.feeAmount,
    paymentStatusLabels[application.paymentStatus],
  ];
}

type Items = Record<string, ScalarAnswer | null>[];

/**
 * The answer columns of one published version, in the order of the definition: one per field (info text
 * has none), a second for the reading of a name asked with フリガナ, and each member of a repeating group
 * once per possible item, as 「お子さん[1] 氏名」. Two versions with the same columns share a file.
 */
export function answerColumns(definition: FormDefinition): AnswerColumn[] {
  const columns: AnswerColumn[] = [];
  for (const page of definition.pages) {
    for (const field of page.fields) {
      if (field.type === "info") {
        continue;
      }
      if (field.type === "group") {
        for (let item = 1; item <= field.maxItems; item++) {
          for (const member of field.fields) {
            if (member.type === "info") {
              continue;
            }
            columns.push(
              ...fieldColumns(
                member,
                `${field.key}[${item}].${member.key}`,
                `${field.label.ja}[${item}] ${member.label.ja}`,
                (answers) =>
                  (answers[field.key] as Items | null | undefined)?.[item - 1]?.[member.key] ?? null,
              ),
            );
          }
        }
        continue;
      }
      columns.push(
        ...fieldColumns(field, field.key, field.label.ja, (answers) => answers[field.key] ?? null),
      );
    }
  }
  return columns;
}

function fieldColumns(
  field: Exclude<Field | GroupMemberField, { type: "info" | "group" }>,
  key: string,
  label: string,
  read: (answers: Answers) => AnswerValue | null,
): AnswerColumn[] {
  const main: AnswerColumn = {
    key,
    header: `${label} (${key})`,
    cell: (answers) => cellValue(field, read(answers)),
  };
  if (field.type !== "name" || !field.withKana) {
    return [main];
  }
  return [
    main,
    {
      key: `${key}.kana`,
      header: `${label}（フリガナ） (${key}.kana)`,
      cell: (answers) => (read(answers) as NameValue | null)?.kana || null,
    },
  ];
}

/**
 * A cell as a core system takes it: numbers as numbers, dates as ISO dates, choices by their Japanese label,
 * unanswered as empty (not 「未回答」).
 */
export function cellValue(
  field: Exclude<Field | GroupMemberField, { type: "info" | "group" }>,
  value: AnswerValue | null | undefined,
): CellValue {
  if (value === null || value === undefined || value === "") {
    return null;
  }
  switch (field.type) {
    case "number":
    case "computed":
      return Number(value);
    case "choice":
      return field.options.find((option) => option.value === value)?.label.ja ?? String(value);
    case "multi_choice":
      return (value as string[])
        .map((v) => field.options.find((option) => option.value === v)?.label.ja ?? v)
        .join("、");
    case "consent":
      return value === true ? "同意する" : "同意しない";
    case "name":
      return (value as NameValue).name;
    case "location": {
      const point = value as LocationValue;
      return `${point.lat}, ${point.lng}`;
    }
    case "file":
      return (value as AttachmentRef[]).map((file) => file.name).join("、");
    case "signature":
      return "typed" in (value as object) ? (value as { typed: string }).typed : "手書き署名あり";
    default:
      return String(value);
  }
}

/** Same headers, same file: what decides where a new file starts. */
export function columnsSignature(columns: readonly ExportColumn[]): string {
  return columns.map((column) => column.header).join("\u0000");
}
