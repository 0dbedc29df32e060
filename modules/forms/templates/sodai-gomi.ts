import type { FormTemplate } from "./index.ts";

const items: [string, string, string][] = [
  ["tansu", "タンス・食器棚", "Chest of drawers or cupboard"],
  ["bed", "ベッド(枠・マットレス)", "Bed frame or mattress"],
  ["sofa", "ソファー", "Sofa"],
  ["table", "机・テーブル", "Desk or table"],
  ["chair", "いす", "Chair"],
  ["futon", "布団・カーペット", "Futon or carpet"],
  ["bicycle", "自転車", "Bicycle"],
  ["stove", "石油ストーブ(灯油を抜いたもの)", "Kerosene heater (emptied)"],
  ["fan", "扇風機・電子レンジ", "Fan or microwave"],
  ["other", "その他", "Other"],
];

/** 粗大ごみ収集申込: ¥500 for each item, collected from outside the home on a chosen weekday. */
export const sodaiGomiTemplate: FormTemplate = {
  key: "sodai-gomi",
  slug: "sodai-gomi",
  category: "waste",
  definition: {
    schema_version: 1,
    title: { ja: "粗大ごみ収集申込", en: "Oversized garbage collection" },
    description: {
      ja: "家庭から出る粗大ごみ(一辺がおおむね50cmを超えるもの)の戸別収集の申込みです。手数料は1点につき500円、1回10点までです。テレビ・冷蔵庫・洗濯機・エアコンは家電リサイクル法の対象のため収集できません。",
      en: "Book a collection of oversized household garbage (items larger than about 50 cm). The fee is ¥500 per item, up to 10 items at a time. TVs, fridges, washing machines and air conditioners fall under the appliance recycling law and cannot be collected.",
    },
    assuranceLevel: "email",
    // Staff check the items (size, recyclable appliances) before the fee is fixed: 事後決済.
    fee: {
      amount: { var: "fee" },
      label: { ja: "収集手数料（概算）", en: "Collection fee (estimate)" },
      timing: "deferred",
    },
    confirmationText: {
      ja: "申込みを受け付けました。収集日が決まり次第メールでお知らせします。収集日の朝8時30分までに、指定の場所へ出してください。",
      en: "We have received your booking and will email the collection day. Put the items out at the agreed place by 8:30 on that morning.",
    },
    pages: [
      {
        key: "what",
        title: { ja: "出すもの", en: "Items" },
        fields: [
          {
            key: "items",
            type: "group",
            label: { ja: "出すもの", en: "Items to collect" },
            itemLabel: { ja: "品目", en: "Item" },
            required: true,
            minItems: 1,
            maxItems: 10,
            fields: [
              {
                key: "item",
                type: "choice",
                label: { ja: "品目", en: "Item" },
                required: true,
                display: "select",
                options: items.map(([value, ja, en]) => ({ value, label: { ja, en } })),
              },
              {
                key: "item_other",
                type: "text",
                label: { ja: "品目の名前", en: "What it is" },
                hint: { ja: "例: 物干し台", en: "For example: clothes-drying stand" },
                maxLength: 50,
                showIf: { "==": [{ var: "item" }, "other"] },
                requiredIf: { "==": [{ var: "item" }, "other"] },
              },
              {
                key: "count",
                type: "number",
                label: { ja: "数", en: "How many" },
                required: true,
                min: 1,
                max: 10,
                unit: { ja: "点", en: "items" },
              },
            ],
          },
          {
            key: "item_total",
            type: "computed",
            label: { ja: "合計点数", en: "Total items" },
            expression: { "+": [{ var: "items.count" }] },
          },
          {
            key: "fee",
            type: "computed",
            label: { ja: "手数料(1点500円)", en: "Fee (¥500 per item)" },
            expression: { "*": [500, { var: "item_total" }] },
            format: "yen",
          },
        ],
      },
      {
        key: "collection",
        title: { ja: "収集の場所と日", en: "Where and when" },
        fields: [
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
            label: { ja: "収集する住所", en: "Collection address" },
            hint: {
              ja: "建物名・部屋番号まで書いてください",
              en: "Include the building name and room number",
            },
            required: true,
            prefill: { from: "profile", attribute: "address" },
          },
          {
            key: "place",
            type: "choice",
            label: { ja: "出す場所", en: "Where you will put the items" },
            required: true,
            options: [
              { value: "entrance", label: { ja: "自宅の玄関前・敷地内", en: "In front of my home" } },
              {
                value: "station",
                label: { ja: "集合住宅のごみステーション", en: "My building's garbage point" },
              },
              { value: "other", label: { ja: "その他", en: "Elsewhere" } },
            ],
          },
          {
            key: "place_detail",
            type: "text",
            label: { ja: "出す場所の説明", en: "Describe the place" },
            hint: { ja: "例: 駐車場の奥、物置の横", en: "For example: at the back of the car park" },
            maxLength: 200,
            showIf: { "==": [{ var: "place" }, "other"] },
            requiredIf: { "==": [{ var: "place" }, "other"] },
          },
          {
            key: "preferred_date",
            type: "date",
            label: { ja: "収集の希望日", en: "Preferred collection day" },
            hint: {
              ja: "平日のみ。申込みから1週間以上先の日を選んでください。ご希望に添えない場合はご連絡します。",
              en: "Weekdays only, at least a week from now. We will contact you if the day is not possible.",
            },
            required: true,
            min: "today",
          },
        ],
      },
      {
        key: "contact",
        title: { ja: "申込者", en: "Your details" },
        fields: [
          {
            key: "applicant_name",
            type: "name",
            label: { ja: "氏名", en: "Full name" },
            required: true,
            prefill: { from: "profile", attribute: "name" },
          },
          {
            key: "phone",
            type: "phone",
            label: { ja: "当日連絡のつく電話番号", en: "Phone number on the day" },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
          {
            key: "email",
            type: "email",
            label: { ja: "メールアドレス", en: "Email address" },
            hint: { ja: "収集日をお知らせします", en: "We send the collection day here" },
            required: true,
            prefill: { from: "profile", attribute: "email" },
          },
          {
            key: "rules",
            type: "consent",
            label: {
              ja: "収集日の朝8時30分までに出すこと、家電リサイクル法の対象品は出せないことを確認しました",
              en: "I will put the items out by 8:30 on the day and understand that recycling-law appliances are not collected",
            },
            required: true,
          },
        ],
      },
    ],
  },
};
