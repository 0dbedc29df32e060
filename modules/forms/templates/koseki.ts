import type { Expression } from "../definition/form-definition.ts";
import type { FormTemplate } from "./index.ts";

const chosen = (kind: string): Expression => ({ in: [kind, { var: "certificates" }] });

/** 戸籍証明書交付申請: 謄本・抄本 ¥450, 除籍・改製原戸籍 ¥750 a copy, for a 本籍 in the city. */
export const kosekiTemplate: FormTemplate = {
  key: "koseki",
  slug: "koseki",
  category: "certificates",
  definition: {
    schema_version: 1,
    title: { ja: "戸籍証明書交付申請", en: "Application for family register certificates" },
    description: {
      ja: "本籍が市内にある戸籍の証明書を郵送で請求できます。請求できるのは、戸籍に記載されている本人・配偶者・父母や祖父母・子や孫です。手数料は戸籍謄本・抄本が1通450円、除籍謄本・改製原戸籍謄本が1通750円です。",
      en: "Request certificates of a family register (koseki) held by this city, sent by post. You can request your own register or that of your spouse, parents, grandparents, children or grandchildren. Fees: ¥450 per copy of a register, ¥750 per copy of a closed or earlier-format register.",
    },
    assuranceLevel: "card",
    fee: { amount: { var: "fee" }, label: { ja: "交付手数料", en: "Issuing fee" } },
    confirmationText: {
      ja: "申請を受け付けました。手数料のお支払いを確認した後、住民登録地へ郵送します。古い戸籍は調査に時間がかかる場合があります。",
      en: "We have received your application. Once the fee is paid, we post the certificates to your registered address. Older registers can take longer to search.",
    },
    pages: [
      {
        key: "applicant",
        title: { ja: "申請者", en: "Applicant" },
        fields: [
          {
            key: "applicant_name",
            type: "name",
            label: { ja: "氏名", en: "Full name" },
            required: true,
            prefill: { from: "card", attribute: "name" },
          },
          {
            key: "birth_date",
            type: "date",
            label: { ja: "生年月日", en: "Date of birth" },
            required: true,
            min: "1900-01-01",
            max: "today",
            prefill: { from: "card", attribute: "birth_date" },
          },
          {
            key: "address",
            type: "address",
            label: { ja: "住所", en: "Address" },
            hint: { ja: "証明書はこの住所へ郵送します", en: "We post the certificates to this address" },
            required: true,
            prefill: { from: "card", attribute: "address" },
          },
          {
            key: "phone",
            type: "phone",
            label: { ja: "日中の連絡先電話番号", en: "Daytime phone number" },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
        ],
      },
      {
        key: "register",
        title: { ja: "請求する戸籍", en: "Which register" },
        fields: [
          {
            key: "honseki",
            type: "text",
            label: { ja: "本籍", en: "Registered domicile (honseki)" },
            hint: {
              ja: "市内の本籍を番地まで書いてください(例: てのひら市中央町1番地)",
              en: "The full registered domicile in this city, e.g. てのひら市中央町1番地",
            },
            required: true,
            maxLength: 150,
          },
          {
            key: "hittosha",
            type: "name",
            label: { ja: "筆頭者の氏名", en: "Head of the register" },
            hint: { ja: "戸籍の最初に記載されている人です", en: "The person listed first in the register" },
            required: true,
            withKana: false,
          },
          {
            key: "relation",
            type: "choice",
            label: {
              ja: "戸籍に記載されている人とあなたの関係",
              en: "Your relation to the people in the register",
            },
            required: true,
            options: [
              { value: "self", label: { ja: "本人", en: "Myself" } },
              { value: "spouse", label: { ja: "配偶者", en: "Spouse" } },
              { value: "ascendant", label: { ja: "父母・祖父母", en: "Parent or grandparent" } },
              { value: "descendant", label: { ja: "子・孫", en: "Child or grandchild" } },
            ],
          },
        ],
      },
      {
        key: "kinds",
        title: { ja: "必要な証明書", en: "Certificates" },
        fields: [
          {
            key: "certificates",
            type: "multi_choice",
            label: { ja: "証明書の種類", en: "Kinds of certificate" },
            hint: {
              ja: "分からないときは提出先に確認してください",
              en: "If unsure, ask the office you are submitting to",
            },
            required: true,
            options: [
              {
                value: "tohon",
                label: { ja: "戸籍謄本(全部事項証明書)450円", en: "Full register copy (¥450)" },
              },
              {
                value: "shohon",
                label: { ja: "戸籍抄本(個人事項証明書)450円", en: "Individual extract (¥450)" },
              },
              {
                value: "joseki",
                label: { ja: "除籍謄本(除籍全部事項証明書)750円", en: "Closed register copy (¥750)" },
              },
              {
                value: "kaisei",
                label: { ja: "改製原戸籍謄本 750円", en: "Earlier-format register copy (¥750)" },
              },
            ],
          },
          {
            key: "tohon_copies",
            type: "number",
            label: { ja: "戸籍謄本の通数", en: "Copies of the full register" },
            min: 1,
            max: 10,
            unit: { ja: "通", en: "copies" },
            showIf: chosen("tohon"),
            requiredIf: chosen("tohon"),
          },
          {
            key: "shohon_copies",
            type: "number",
            label: { ja: "戸籍抄本の通数", en: "Copies of the individual extract" },
            min: 1,
            max: 10,
            unit: { ja: "通", en: "copies" },
            showIf: chosen("shohon"),
            requiredIf: chosen("shohon"),
          },
          {
            key: "shohon_person",
            type: "text",
            label: { ja: "抄本が必要な人の氏名", en: "Whose extract" },
            maxLength: 100,
            showIf: chosen("shohon"),
            requiredIf: chosen("shohon"),
          },
          {
            key: "joseki_copies",
            type: "number",
            label: { ja: "除籍謄本の通数", en: "Copies of the closed register" },
            min: 1,
            max: 10,
            unit: { ja: "通", en: "copies" },
            showIf: chosen("joseki"),
            requiredIf: chosen("joseki"),
          },
          {
            key: "kaisei_copies",
            type: "number",
            label: { ja: "改製原戸籍謄本の通数", en: "Copies of the earlier-format register" },
            min: 1,
            max: 10,
            unit: { ja: "通", en: "copies" },
            showIf: chosen("kaisei"),
            requiredIf: chosen("kaisei"),
          },
          {
            key: "fee",
            type: "computed",
            label: { ja: "手数料", en: "Fee" },
            expression: {
              "+": [
                { "*": [450, { "+": [{ var: "tohon_copies" }, { var: "shohon_copies" }] }] },
                { "*": [750, { "+": [{ var: "joseki_copies" }, { var: "kaisei_copies" }] }] },
              ],
            },
            format: "yen",
          },
          {
            key: "purpose",
            type: "choice",
            label: { ja: "使いみち", en: "Purpose" },
            required: true,
            display: "select",
            options: [
              { value: "passport", label: { ja: "パスポートの申請", en: "Passport" } },
              { value: "inheritance", label: { ja: "相続の手続き", en: "Inheritance" } },
              { value: "pension", label: { ja: "年金の手続き", en: "Pension" } },
              { value: "marriage", label: { ja: "婚姻などの届出", en: "Marriage or other registration" } },
              { value: "other", label: { ja: "その他", en: "Other" } },
            ],
          },
          {
            key: "purpose_other",
            type: "text",
            label: { ja: "その他の使いみち", en: "Other purpose" },
            maxLength: 100,
            showIf: { "==": [{ var: "purpose" }, "other"] },
            requiredIf: { "==": [{ var: "purpose" }, "other"] },
          },
          {
            key: "declaration",
            type: "consent",
            label: {
              ja: "申請内容に誤りがないことを確認しました(偽りの請求は処罰されることがあります)",
              en: "I confirm the details are correct (false requests can be punished)",
            },
            required: true,
          },
        ],
      },
    ],
  },
};
