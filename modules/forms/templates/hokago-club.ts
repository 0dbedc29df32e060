import type { Expression } from "../definition/form-definition.ts";
import type { FormTemplate } from "./index.ts";

const isWorking = (key: string): Expression => ({
  or: [{ "==": [{ var: key }, "employed"] }, { "==": [{ var: key }, "self_employed"] }],
});
const needsDetails = (key: string): Expression => ({
  or: [
    { "==": [{ var: key }, "caregiving"] },
    { "==": [{ var: key }, "illness"] },
    { "==": [{ var: key }, "other"] },
  ],
});

const workStatusOptions = [
  { value: "employed", label: { ja: "会社などに勤めている", en: "Employed" } },
  { value: "self_employed", label: { ja: "自営業・農業", en: "Self-employed or farming" } },
  { value: "job_seeking", label: { ja: "仕事を探している", en: "Looking for work" } },
  { value: "student", label: { ja: "学校に通っている", en: "Studying" } },
  { value: "caregiving", label: { ja: "家族の介護・看護", en: "Caring for a relative" } },
  { value: "illness", label: { ja: "病気・障害", en: "Illness or disability" } },
  { value: "other", label: { ja: "その他", en: "Other" } },
];

const schools = [
  { value: "chuo", label: { ja: "てのひら中央小学校", en: "Tenohira Chuo Elementary School" } },
  { value: "higashi", label: { ja: "てのひら東小学校", en: "Tenohira Higashi Elementary School" } },
  { value: "nishi", label: { ja: "てのひら西小学校", en: "Tenohira Nishi Elementary School" } },
  { value: "minami", label: { ja: "みなと小学校", en: "Minato Elementary School" } },
  { value: "yamate", label: { ja: "山手小学校", en: "Yamate Elementary School" } },
];

/** 放課後児童クラブ入所申込: several children in one application, each guardian's reason for needing care. */
export const hokagoClubTemplate: FormTemplate = {
  key: "hokago-club",
  slug: "hokago-club",
  category: "children",
  definition: {
    schema_version: 1,
    title: { ja: "放課後児童クラブ入所申込", en: "After-school club application" },
    description: {
      ja: "保護者が仕事などで昼間家庭にいない小学生のための放課後児童クラブ(学童保育)の申込みです。きょうだいはまとめて申し込めます。利用料は月額5,000円(8月は8,000円)で、入所が決まった後にお知らせします。",
      en: "Apply for an after-school club (gakudō) place for elementary school children whose guardians are at work or otherwise away during the day. Siblings can be added to one application. The fee is ¥5,000 a month (¥8,000 in August), confirmed once a place is offered.",
    },
    assuranceLevel: "email",
    confirmationText: {
      ja: "申込みを受け付けました。入所の可否は、審査の後に文書でお知らせします。",
      en: "We have received your application. We will write to you with the result once it has been reviewed.",
    },
    pages: [
      {
        key: "guardian",
        title: { ja: "保護者", en: "Guardian" },
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
            label: { ja: "日中に連絡のつく電話番号", en: "Daytime phone number" },
            hint: { ja: "お子さんの急な体調不良のときにも使います", en: "Also used if your child falls ill" },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
          {
            key: "email",
            type: "email",
            label: { ja: "メールアドレス", en: "Email address" },
            required: true,
            prefill: { from: "profile", attribute: "email" },
          },
        ],
      },
      {
        key: "child_details",
        title: { ja: "申し込むお子さん", en: "Children" },
        fields: [
          {
            key: "children",
            type: "group",
            label: { ja: "申し込むお子さん", en: "Children applying" },
            itemLabel: { ja: "お子さん", en: "Child" },
            required: true,
            minItems: 1,
            maxItems: 5,
            fields: [
              {
                key: "name",
                type: "name",
                label: { ja: "お子さんの氏名", en: "Child's name" },
                required: true,
              },
              {
                key: "birth_date",
                type: "date",
                label: { ja: "生年月日", en: "Date of birth" },
                required: true,
                min: "2010-04-02",
                max: "today",
              },
              {
                key: "school",
                type: "choice",
                label: { ja: "通う小学校", en: "Elementary school" },
                required: true,
                display: "select",
                options: schools,
              },
              {
                key: "grade",
                type: "choice",
                label: { ja: "4月からの学年", en: "Grade from April" },
                required: true,
                display: "select",
                options: [1, 2, 3, 4, 5, 6].map((grade) => ({
                  value: `g${grade}`,
                  label: { ja: `${grade}年生`, en: `Grade ${grade}` },
                })),
              },
              {
                key: "period",
                type: "choice",
                label: { ja: "利用する期間", en: "When" },
                required: true,
                options: [
                  { value: "year", label: { ja: "通年(4月〜3月)", en: "All year (April to March)" } },
                  { value: "summer", label: { ja: "夏休みのみ", en: "Summer holidays only" } },
                ],
              },
              {
                key: "care_notes",
                type: "textarea",
                label: { ja: "アレルギーや配慮が必要なこと", en: "Allergies or support needed" },
                hint: { ja: "なければ空欄のままでかまいません", en: "Leave empty if none" },
                maxLength: 500,
              },
            ],
          },
          {
            key: "child_count",
            type: "computed",
            label: { ja: "申し込む人数", en: "Children applying" },
            expression: { count: [{ var: "children" }] },
          },
        ],
      },
      {
        key: "work",
        title: { ja: "保護者の状況", en: "Why care is needed" },
        fields: [
          {
            key: "work_status",
            type: "choice",
            label: { ja: "申込者(保護者)の状況", en: "Your situation" },
            required: true,
            options: workStatusOptions,
          },
          {
            key: "workplace",
            type: "text",
            label: { ja: "勤務先の名称", en: "Workplace" },
            maxLength: 100,
            showIf: isWorking("work_status"),
            requiredIf: isWorking("work_status"),
          },
          {
            key: "work_days",
            type: "number",
            label: { ja: "1週間の勤務日数", en: "Working days a week" },
            min: 1,
            max: 7,
            unit: { ja: "日", en: "days" },
            showIf: isWorking("work_status"),
            requiredIf: isWorking("work_status"),
          },
          {
            key: "work_end",
            type: "text",
            label: { ja: "ふだんの帰宅時刻", en: "Usual time you get home" },
            hint: { ja: "例: 18時30分", en: "For example: 18:30" },
            maxLength: 20,
            showIf: isWorking("work_status"),
            requiredIf: isWorking("work_status"),
          },
          {
            key: "status_details",
            type: "textarea",
            label: { ja: "状況の詳しい内容", en: "Details of your situation" },
            maxLength: 1000,
            showIf: needsDetails("work_status"),
            requiredIf: needsDetails("work_status"),
          },
          {
            key: "other_guardian",
            type: "choice",
            label: { ja: "同居しているほかの保護者", en: "Other guardian living with you" },
            required: true,
            options: [
              { value: "none", label: { ja: "いない(ひとり親家庭など)", en: "None (single parent)" } },
              { value: "present", label: { ja: "いる", en: "Yes" } },
            ],
          },
          {
            key: "other_guardian_status",
            type: "choice",
            label: { ja: "ほかの保護者の状況", en: "Other guardian's situation" },
            options: workStatusOptions,
            showIf: { "==": [{ var: "other_guardian" }, "present"] },
            requiredIf: { "==": [{ var: "other_guardian" }, "present"] },
          },
          {
            key: "other_guardian_workplace",
            type: "text",
            label: { ja: "ほかの保護者の勤務先", en: "Other guardian's workplace" },
            maxLength: 100,
            showIf: isWorking("other_guardian_status"),
            requiredIf: isWorking("other_guardian_status"),
          },
        ],
      },
      {
        key: "closing",
        title: { ja: "お迎えと同意", en: "Pick-up and consent" },
        fields: [
          {
            key: "pickup",
            type: "choice",
            label: { ja: "帰るときの方法", en: "How your child goes home" },
            required: true,
            options: [
              { value: "guardian", label: { ja: "保護者などが迎えに行く", en: "Collected by an adult" } },
              { value: "alone", label: { ja: "一人で帰る", en: "Walks home alone" } },
            ],
          },
          {
            key: "pickup_person",
            type: "text",
            label: { ja: "お迎えに行く人(保護者以外)", en: "Who else may collect your child" },
            hint: { ja: "例: 祖母 手乃 花子", en: "For example: grandmother Hanako Teno" },
            maxLength: 200,
            showIf: { "==": [{ var: "pickup" }, "guardian"] },
          },
          {
            key: "consent_privacy",
            type: "consent",
            label: {
              ja: "入所の審査のため、市が世帯の住民登録・税情報を確認し、クラブの運営者に必要な情報を提供することに同意します",
              en: "I agree that the city checks the household's resident and tax records and shares what is needed with the club's operator",
            },
            required: true,
          },
          {
            key: "consent_fee",
            type: "consent",
            label: {
              ja: "利用料(月額5,000円、8月は8,000円)をクラブに支払うことに同意します",
              en: "I agree to pay the club's fee (¥5,000 a month, ¥8,000 in August)",
            },
            required: true,
          },
        ],
      },
    ],
  },
};
