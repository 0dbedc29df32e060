import type { Expression } from "../definition/form-definition.ts";
import type { FormTemplate } from "./index.ts";

const employmentOptions = [
  { value: "employed", label: { ja: "会社などに勤めている", en: "Employed" } },
  { value: "self_employed", label: { ja: "自営業・農業", en: "Self-employed or farming" } },
  { value: "job_offer", label: { ja: "内定している", en: "Starting a job" } },
  { value: "job_seeking", label: { ja: "仕事を探している", en: "Looking for work" } },
  { value: "pregnancy", label: { ja: "妊娠・出産", en: "Pregnancy or childbirth" } },
  { value: "illness", label: { ja: "病気・障害", en: "Illness or disability" } },
  { value: "caregiving", label: { ja: "家族の介護・看護", en: "Caring for a relative" } },
  { value: "student", label: { ja: "学校に通っている", en: "Studying" } },
];

/** Whose employment needs a 就労証明書 (work certificate) from the employer. */
const needsWorkCertificate = (key: string): Expression => ({
  or: [
    { "==": [{ var: key }, "employed"] },
    { "==": [{ var: key }, "self_employed"] },
    { "==": [{ var: key }, "job_offer"] },
  ],
});

/** 保育所入所申込: up to three preferred nurseries, both guardians' reasons, the work certificate attached. */
export const hoikushoTemplate: FormTemplate = {
  key: "hoikusho",
  slug: "hoikusho",
  category: "children",
  definition: {
    schema_version: 1,
    title: { ja: "保育所等入所申込", en: "Nursery school application" },
    description: {
      ja: "保育所・認定こども園(保育部分)への入所の申込みです。毎月10日までの申込みは翌月1日の入所の選考の対象になります。就労証明書は勤務先に作成を依頼し、写真またはPDFで添付してください。",
      en: "Apply for a place at a nursery school or certified centre. Applications received by the 10th are considered for places from the 1st of the next month. Ask your employer for the work certificate (就労証明書) and attach it as a photo or PDF.",
    },
    assuranceLevel: "email",
    confirmationText: {
      ja: "申込みを受け付けました。選考の結果は、入所希望月の前月20日ごろに文書でお知らせします。",
      en: "We have received your application. We will write to you with the result around the 20th of the month before the start.",
    },
    pages: [
      {
        key: "child",
        title: { ja: "入所を希望するお子さん", en: "Your child" },
        fields: [
          {
            key: "child_name",
            type: "name",
            label: { ja: "お子さんの氏名", en: "Child's name" },
            required: true,
          },
          {
            key: "child_birth_date",
            type: "date",
            label: { ja: "お子さんの生年月日", en: "Child's date of birth" },
            hint: {
              ja: "生後57日目から申し込めます(出産予定の方は予定日)",
              en: "From 57 days old (or the expected birth date)",
            },
            required: true,
            min: "2018-04-02",
          },
          {
            key: "start_date",
            type: "date",
            label: { ja: "入所を希望する日", en: "Preferred start date" },
            hint: { ja: "原則として毎月1日です", en: "Normally the 1st of a month" },
            required: true,
            min: "today",
          },
          {
            key: "nurseries",
            type: "multi_choice",
            label: { ja: "希望する保育所(3か所まで)", en: "Preferred nurseries (up to 3)" },
            hint: {
              ja: "希望の強い順に選んでください。第1希望に入れない場合は次の希望で選考します。",
              en: "Choose in order of preference; if the first is full we consider the next.",
            },
            required: true,
            minSelected: 1,
            maxSelected: 3,
            options: [
              { value: "chuo", label: { ja: "てのひら中央保育園", en: "Tenohira Chuo Nursery" } },
              { value: "hidamari", label: { ja: "ひだまり保育園", en: "Hidamari Nursery" } },
              { value: "minato", label: { ja: "みなと認定こども園", en: "Minato Certified Centre" } },
              { value: "sakura", label: { ja: "さくら保育所", en: "Sakura Nursery" } },
              { value: "yamate", label: { ja: "山手こども園", en: "Yamate Children's Centre" } },
              { value: "umibe", label: { ja: "うみべ小規模保育室", en: "Umibe Small Nursery" } },
            ],
          },
          {
            key: "other_offer",
            type: "choice",
            label: {
              ja: "希望の保育所に入れない場合、ほかの空きのある保育所を紹介してよいですか",
              en: "If your choices are full, may we offer another nursery with a place?",
            },
            required: true,
            options: [
              { value: "yes", label: { ja: "はい", en: "Yes" } },
              { value: "no", label: { ja: "いいえ(希望の保育所のみ)", en: "No, only my choices" } },
            ],
          },
          {
            key: "child_health",
            type: "textarea",
            label: { ja: "健康面で伝えておきたいこと", en: "Health matters we should know" },
            hint: {
              ja: "アレルギー・持病など。なければ空欄で",
              en: "Allergies, conditions; leave empty if none",
            },
            maxLength: 1000,
          },
        ],
      },
      {
        key: "guardian",
        title: { ja: "保護者(申込者)", en: "Guardian (you)" },
        fields: [
          {
            key: "guardian_name",
            type: "name",
            label: { ja: "保護者の氏名", en: "Guardian's name" },
            required: true,
            prefill: { from: "profile", attribute: "name" },
          },
          {
            key: "postal_code",
            type: "postal_code",
            label: { ja: "郵便番号", en: "Postal code" },
            required: true,
            fillsAddress: "address",
            prefill: { from: "profile", attribute: "postal_code" },
          },
          {
            key: "address",
            type: "address",
            label: { ja: "住所", en: "Address" },
            required: true,
            prefill: { from: "profile", attribute: "address" },
          },
          {
            key: "phone",
            type: "phone",
            label: { ja: "電話番号", en: "Phone number" },
            hint: {
              ja: "選考の結果や空き状況をSMSでお知らせすることがあります",
              en: "We may text you about the result or free places",
            },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
          {
            key: "employment",
            type: "choice",
            label: { ja: "保育が必要な理由(あなた)", en: "Why you need childcare" },
            required: true,
            options: employmentOptions,
          },
          {
            key: "employer",
            type: "text",
            label: { ja: "勤務先の名称", en: "Employer" },
            maxLength: 100,
            showIf: needsWorkCertificate("employment"),
            requiredIf: needsWorkCertificate("employment"),
          },
          {
            key: "has_partner",
            type: "choice",
            label: { ja: "同居している配偶者・パートナー", en: "Spouse or partner living with you" },
            required: true,
            options: [
              { value: "yes", label: { ja: "いる", en: "Yes" } },
              { value: "no", label: { ja: "いない(ひとり親家庭など)", en: "No (single parent)" } },
            ],
          },
        ],
        // A single parent has no second guardian to describe.
        next: [{ if: { "==": [{ var: "has_partner" }, "no"] }, goTo: "documents" }],
      },
      {
        key: "partner",
        title: { ja: "配偶者・パートナー", en: "Spouse or partner" },
        showIf: { "==": [{ var: "has_partner" }, "yes"] },
        fields: [
          {
            key: "partner_name",
            type: "name",
            label: { ja: "氏名", en: "Name" },
            required: true,
          },
          {
            key: "partner_employment",
            type: "choice",
            label: { ja: "保育が必要な理由(配偶者・パートナー)", en: "Why they need childcare" },
            required: true,
            options: employmentOptions,
          },
          {
            key: "partner_employer",
            type: "text",
            label: { ja: "勤務先の名称", en: "Employer" },
            maxLength: 100,
            showIf: needsWorkCertificate("partner_employment"),
            requiredIf: needsWorkCertificate("partner_employment"),
          },
        ],
      },
      {
        key: "documents",
        title: { ja: "書類の添付と同意", en: "Documents and consent" },
        fields: [
          {
            key: "work_certificate",
            type: "file",
            label: { ja: "就労証明書", en: "Work certificate (就労証明書)" },
            hint: {
              ja: "働いている保護者全員分を添付してください(写真またはPDF、2ファイルまで)",
              en: "One for each working guardian (photo or PDF, up to 2 files)",
            },
            accept: ["image", "pdf"],
            maxFiles: 2,
            maxSizeMb: 10,
            showIf: { or: [needsWorkCertificate("employment"), needsWorkCertificate("partner_employment")] },
            requiredIf: {
              or: [needsWorkCertificate("employment"), needsWorkCertificate("partner_employment")],
            },
          },
          {
            key: "other_documents",
            type: "file",
            label: { ja: "そのほかの書類", en: "Other documents" },
            hint: {
              ja: "診断書・母子健康手帳の写しなど、理由に応じた書類(5ファイルまで)",
              en: "A doctor's note, maternity handbook page or similar, as your reason needs (up to 5 files)",
            },
            accept: ["image", "pdf"],
            maxFiles: 5,
          },
          {
            key: "consent",
            type: "consent",
            label: {
              ja: "入所の選考のため、市が世帯の住民登録・税情報を確認することに同意します",
              en: "I agree that the city checks the household's resident and tax records for the selection",
            },
            required: true,
          },
        ],
      },
    ],
  },
};
