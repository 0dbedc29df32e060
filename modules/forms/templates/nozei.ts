import type { Expression } from "../definition/form-definition.ts";
import type { FormTemplate } from "./index.ts";

const isKeiJidosha: Expression = { "==": [{ var: "tax_type" }, "kei_jidosha"] };

/** 納税証明書交付申請: ¥300 a copy; the 軽自動車税 certificate for a vehicle inspection is free. */
export const nozeiTemplate: FormTemplate = {
  key: "nozei",
  slug: "nozei",
  category: "tax",
  definition: {
    schema_version: 1,
    title: { ja: "納税証明書交付申請", en: "Application for a tax payment certificate" },
    description: {
      ja: "市税の納税証明書を郵送で請求できます。手数料は1通300円です(軽自動車の車検用の証明書は無料)。納付から証明できるまで2週間ほどかかることがあります。",
      en: "Request a certificate of city tax paid, sent by post. The fee is ¥300 per copy (free for a light vehicle's inspection). A recent payment can take about two weeks to show.",
    },
    assuranceLevel: "card",
    fee: { amount: { var: "fee" }, label: { ja: "交付手数料", en: "Issuing fee" } },
    confirmationText: {
      ja: "申請を受け付けました。手数料のお支払いを確認した後、住民登録地へ郵送します。",
      en: "We have received your application. Once any fee is paid, we post the certificate to your registered address.",
    },
    pages: [
      {
        key: "applicant",
        title: { ja: "申請者(納税者ご本人)", en: "Applicant (the taxpayer)" },
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
            required: true,
            prefill: { from: "card", attribute: "address" },
          },
          {
            key: "address_then",
            type: "text",
            label: { ja: "課税当時の住所(今と違う場合)", en: "Address in that tax year (if different)" },
            hint: {
              ja: "その年の1月1日に住んでいた住所です",
              en: "Where you lived on 1 January of that year",
            },
            maxLength: 200,
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
        key: "certificate",
        title: { ja: "必要な証明書", en: "Certificate" },
        fields: [
          {
            key: "tax_type",
            type: "choice",
            label: { ja: "税目", en: "Tax" },
            required: true,
            options: [
              {
                value: "shikenminzei",
                label: { ja: "市県民税(住民税)", en: "Municipal and prefectural inhabitant tax" },
              },
              {
                value: "kotei_shisanzei",
                label: { ja: "固定資産税・都市計画税", en: "Fixed asset and city planning tax" },
              },
              { value: "kei_jidosha", label: { ja: "軽自動車税(種別割)", en: "Light vehicle tax" } },
              { value: "kokuho", label: { ja: "国民健康保険税", en: "National health insurance tax" } },
              {
                value: "kanno",
                label: { ja: "市税に未納がないことの証明", en: "Certificate of no unpaid city tax" },
              },
            ],
          },
          {
            key: "tax_year",
            type: "number",
            label: { ja: "年度(令和)", en: "Fiscal year (Reiwa)" },
            hint: {
              ja: "令和7年度の証明なら「7」と入力してください",
              en: "For fiscal year Reiwa 7 (2025), enter 7",
            },
            min: 1,
            max: 30,
            unit: { ja: "年度", en: "FY" },
            showIf: { "!=": [{ var: "tax_type" }, "kanno"] },
            requiredIf: { "!=": [{ var: "tax_type" }, "kanno"] },
          },
          {
            key: "for_inspection",
            type: "choice",
            label: { ja: "車検(継続検査)に使いますか", en: "Is it for a vehicle inspection?" },
            showIf: isKeiJidosha,
            requiredIf: isKeiJidosha,
            options: [
              { value: "yes", label: { ja: "はい(手数料は無料です)", en: "Yes (free of charge)" } },
              { value: "no", label: { ja: "いいえ", en: "No" } },
            ],
          },
          {
            key: "vehicle_number",
            type: "text",
            label: { ja: "車両番号(ナンバー)", en: "Registration number" },
            hint: { ja: "例: てのひら 580 あ 12-34", en: "For example: てのひら 580 あ 12-34" },
            maxLength: 40,
            showIf: isKeiJidosha,
            requiredIf: isKeiJidosha,
          },
          {
            key: "purpose",
            type: "choice",
            label: { ja: "使いみち", en: "Purpose" },
            required: true,
            display: "select",
            options: [
              { value: "loan", label: { ja: "融資・ローンの申込み", en: "Loan application" } },
              { value: "bidding", label: { ja: "入札参加資格の申請", en: "Public tender registration" } },
              { value: "license", label: { ja: "許認可の申請", en: "Licence or permit" } },
              { value: "housing", label: { ja: "公営住宅の入居", en: "Public housing" } },
              { value: "vehicle_inspection", label: { ja: "車検", en: "Vehicle inspection" } },
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
            key: "copies",
            type: "number",
            label: { ja: "必要な通数", en: "Number of copies" },
            required: true,
            min: 1,
            max: 5,
            unit: { ja: "通", en: "copies" },
          },
          {
            key: "fee",
            type: "computed",
            label: { ja: "手数料(1通300円)", en: "Fee (¥300 per copy)" },
            expression: {
              if: [{ "==": [{ var: "for_inspection" }, "yes"] }, 0, { "*": [300, { var: "copies" }] }],
            },
            format: "yen",
          },
          {
            key: "declaration",
            type: "consent",
            label: {
              ja: "申請内容に誤りがないことを確認しました",
              en: "I confirm that the details are correct",
            },
            required: true,
          },
        ],
      },
    ],
  },
};
