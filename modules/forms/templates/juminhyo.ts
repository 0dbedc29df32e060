import type { FormTemplate } from "./index.ts";

/** 住民票の写し交付申請: card-verified applicant, ¥300 a copy, sent by post to the registered address. */
export const juminhyoTemplate: FormTemplate = {
  key: "juminhyo",
  slug: "juminhyo",
  category: "certificates",
  definition: {
    schema_version: 1,
    title: { ja: "住民票の写し交付申請", en: "Application for a copy of the certificate of residence" },
    description: {
      ja: "マイナンバーカードで本人確認をして、住民票の写しを郵送で請求できます。手数料は1通300円です。ご本人または同じ世帯の方の分を請求できます。",
      en: "Verify yourself with your My Number card and have copies of your certificate of residence (住民票) sent by post. The fee is ¥300 per copy. You can request your own or your household's.",
    },
    assuranceLevel: "card",
    fee: {
      amount: { var: "fee" },
      label: { ja: "交付手数料", en: "Issuing fee" },
    },
    confirmationText: {
      ja: "申請を受け付けました。手数料のお支払いを確認した後、3〜5開庁日ほどで住民登録地へ郵送します。",
      en: "We have received your application. Once the fee is paid, we post the certificate to your registered address within 3 to 5 working days.",
    },
    pages: [
      {
        key: "applicant",
        title: { ja: "申請者", en: "Applicant" },
        fields: [
          {
            key: "applicant_info",
            type: "info",
            text: {
              ja: "氏名・生年月日・住所はマイナンバーカードから入力されています。カードの記載と違う場合は窓口へお問い合わせください。",
              en: "Your name, date of birth and address come from your My Number card. If they differ from the card, please contact the counter.",
            },
          },
          {
            key: "applicant_name",
            type: "name",
            label: { ja: "氏名", en: "Full name" },
            required: true,
            withKana: true,
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
            key: "phone",
            type: "phone",
            label: { ja: "日中の連絡先電話番号", en: "Daytime phone number" },
            hint: { ja: "書類に不備があるときにご連絡します", en: "We call only if something is missing" },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
        ],
      },
      {
        key: "request",
        title: { ja: "請求の内容", en: "What you need" },
        fields: [
          {
            key: "scope",
            type: "choice",
            label: { ja: "必要な人", en: "Whose certificate" },
            required: true,
            options: [
              { value: "self", label: { ja: "本人のみ", en: "Only me" } },
              { value: "household_all", label: { ja: "世帯全員", en: "Everyone in my household" } },
              { value: "household_some", label: { ja: "世帯の一部の人", en: "Some people in my household" } },
            ],
          },
          {
            key: "members",
            type: "textarea",
            label: { ja: "必要な人の氏名", en: "Names of the people needed" },
            hint: { ja: "1行に1人ずつ書いてください", en: "One name per line" },
            maxLength: 500,
            showIf: { "==": [{ var: "scope" }, "household_some"] },
            requiredIf: { "==": [{ var: "scope" }, "household_some"] },
          },
          {
            key: "include",
            type: "multi_choice",
            label: { ja: "記載する事項", en: "Details to include" },
            hint: {
              ja: "必要なものだけ選んでください。提出先の指定がなければ選ばなくてかまいません。",
              en: "Choose only what the recipient asks for; leave empty if nothing was specified.",
            },
            options: [
              {
                value: "setainushi",
                label: { ja: "世帯主と続柄", en: "Head of household and relationship" },
              },
              { value: "honseki", label: { ja: "本籍・筆頭者", en: "Registered domicile (honseki)" } },
              { value: "previous_address", label: { ja: "前住所", en: "Previous address" } },
            ],
          },
          {
            key: "copies",
            type: "number",
            label: { ja: "必要な通数", en: "Number of copies" },
            required: true,
            min: 1,
            max: 10,
            unit: { ja: "通", en: "copies" },
          },
          {
            key: "fee",
            type: "computed",
            label: { ja: "手数料(1通300円)", en: "Fee (¥300 per copy)" },
            expression: { "*": [300, { var: "copies" }] },
            format: "yen",
          },
          {
            key: "purpose",
            type: "choice",
            label: { ja: "使いみち", en: "Purpose" },
            required: true,
            display: "select",
            options: [
              { value: "employment", label: { ja: "就職・勤務先への提出", en: "Employment" } },
              { value: "pension", label: { ja: "年金・保険の手続き", en: "Pension or insurance" } },
              { value: "vehicle", label: { ja: "自動車の登録", en: "Vehicle registration" } },
              { value: "real_estate", label: { ja: "不動産の登記", en: "Real estate registration" } },
              { value: "school", label: { ja: "学校への提出", en: "School" } },
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
        ],
      },
      {
        key: "delivery",
        title: { ja: "送付先", en: "Delivery" },
        fields: [
          {
            key: "send_to",
            type: "choice",
            label: { ja: "郵送先", en: "Send to" },
            hint: {
              ja: "原則として住民登録地へ郵送します。それ以外は理由をお書きください。",
              en: "We normally post to your registered address; give a reason for any other address.",
            },
            required: true,
            options: [
              {
                value: "registered",
                label: { ja: "住民登録地(上記の住所)", en: "My registered address (above)" },
              },
              { value: "other", label: { ja: "別の住所", en: "Another address" } },
            ],
          },
          {
            key: "delivery_postal_code",
            type: "postal_code",
            label: { ja: "郵送先の郵便番号", en: "Postal code to send to" },
            fillsAddress: "delivery_address",
            showIf: { "==": [{ var: "send_to" }, "other"] },
            requiredIf: { "==": [{ var: "send_to" }, "other"] },
          },
          {
            key: "delivery_address",
            type: "address",
            label: { ja: "郵送先の住所", en: "Address to send to" },
            showIf: { "==": [{ var: "send_to" }, "other"] },
            requiredIf: { "==": [{ var: "send_to" }, "other"] },
          },
          {
            key: "delivery_reason",
            type: "text",
            label: { ja: "別の住所へ送る理由", en: "Why another address" },
            hint: { ja: "例: 単身赴任先のため", en: "For example: working away from home" },
            maxLength: 200,
            showIf: { "==": [{ var: "send_to" }, "other"] },
            requiredIf: { "==": [{ var: "send_to" }, "other"] },
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
