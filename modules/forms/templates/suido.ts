import type { Expression } from "../definition/form-definition.ts";
import type { FormTemplate } from "./index.ts";

const starting: Expression = { "==": [{ var: "procedure" }, "start"] };
const stopping: Expression = { "==": [{ var: "procedure" }, "stop"] };
const slipByPost: Expression = { "==": [{ var: "settlement" }, "slip"] };

/** 水道開始・中止届: moving in or out; the start and stop questions are separate pages. */
export const suidoTemplate: FormTemplate = {
  key: "suido",
  slug: "suido",
  category: "water",
  definition: {
    schema_version: 1,
    title: { ja: "水道の使用開始・中止届", en: "Starting or stopping the water supply" },
    description: {
      ja: "引っ越しなどで水道を使い始めるとき、使うのをやめるときの届出です。希望日の3開庁日前までにお申し込みください。",
      en: "Tell us when you start or stop using the water supply, for example when moving. Apply at least 3 working days before the date.",
    },
    assuranceLevel: "email",
    confirmationText: {
      ja: "届出を受け付けました。内容を確認し、必要な場合は水道局からお電話します。",
      en: "We have received your notice. The waterworks will call you if anything needs checking.",
    },
    pages: [
      {
        key: "kind",
        title: { ja: "届出の種類", en: "Kind of notice" },
        fields: [
          {
            key: "procedure",
            type: "choice",
            label: { ja: "届出の種類", en: "What do you want to do?" },
            required: true,
            options: [
              { value: "start", label: { ja: "水道を使い始める(開始)", en: "Start using water" } },
              { value: "stop", label: { ja: "水道の使用をやめる(中止)", en: "Stop using water" } },
            ],
          },
        ],
      },
      {
        key: "start",
        title: { ja: "使用開始の内容", en: "Starting the supply" },
        showIf: starting,
        fields: [
          {
            key: "start_date",
            type: "date",
            label: { ja: "使用開始日", en: "Start date" },
            hint: { ja: "土日祝日も選べます", en: "Weekends and holidays are possible" },
            required: true,
            min: "today",
          },
          {
            key: "start_postal_code",
            type: "postal_code",
            label: { ja: "使用場所の郵便番号", en: "Postal code of the place" },
            required: true,
            fillsAddress: "start_address",
          },
          {
            key: "start_address",
            type: "address",
            label: { ja: "使用場所の住所", en: "Address of the place" },
            hint: {
              ja: "建物名・部屋番号まで書いてください",
              en: "Include the building name and room number",
            },
            required: true,
          },
          {
            key: "building_type",
            type: "choice",
            label: { ja: "建物の種類", en: "Type of building" },
            required: true,
            options: [
              { value: "house", label: { ja: "一戸建て", en: "House" } },
              { value: "apartment", label: { ja: "アパート・マンション", en: "Apartment" } },
              { value: "shop", label: { ja: "店舗・事務所", en: "Shop or office" } },
            ],
          },
          {
            key: "meter_location",
            type: "choice",
            label: { ja: "水道メーターの場所", en: "Where the water meter is" },
            options: [
              { value: "front", label: { ja: "玄関の近く", en: "Near the entrance" } },
              {
                value: "pipe_shaft",
                label: { ja: "玄関横のメーターボックス(パイプシャフト)", en: "Meter cupboard by the door" },
              },
              { value: "ground", label: { ja: "敷地内の地面のふた", en: "Under a lid in the ground" } },
              { value: "unknown", label: { ja: "分からない", en: "I don't know" } },
            ],
          },
          {
            key: "meter_number",
            type: "text",
            label: { ja: "メーター番号(分かれば)", en: "Meter number (if known)" },
            hint: {
              ja: "メーターのふたの裏や検針票に書かれています",
              en: "Shown under the meter lid or on the reading slip",
            },
            maxLength: 20,
          },
          {
            key: "user_name",
            type: "name",
            label: { ja: "使用者(契約者)の氏名", en: "Name of the water user" },
            required: true,
          },
          {
            key: "payment",
            type: "choice",
            label: { ja: "料金の支払方法", en: "How you will pay" },
            required: true,
            options: [
              {
                value: "account",
                label: { ja: "口座振替(後日、申込書を郵送します)", en: "Direct debit (we post the form)" },
              },
              { value: "card", label: { ja: "クレジットカード", en: "Credit card" } },
              {
                value: "slip",
                label: { ja: "納付書(コンビニ・金融機関)", en: "Payment slip (convenience store or bank)" },
              },
            ],
          },
        ],
      },
      {
        key: "stop",
        title: { ja: "使用中止の内容", en: "Stopping the supply" },
        showIf: stopping,
        fields: [
          {
            key: "stop_date",
            type: "date",
            label: { ja: "使用中止日(退去日)", en: "Last day of use (moving-out day)" },
            required: true,
            min: "today",
          },
          {
            key: "customer_number",
            type: "text",
            label: { ja: "お客様番号(分かれば)", en: "Customer number (if known)" },
            hint: { ja: "検針票や領収書に書かれています", en: "Shown on the reading slip or receipt" },
            maxLength: 20,
          },
          {
            key: "stop_postal_code",
            type: "postal_code",
            label: { ja: "使用場所の郵便番号", en: "Postal code of the place" },
            required: true,
            fillsAddress: "stop_address",
          },
          {
            key: "stop_address",
            type: "address",
            label: { ja: "使用場所の住所", en: "Address of the place" },
            required: true,
          },
          {
            key: "settlement",
            type: "choice",
            label: { ja: "最後の料金の精算方法", en: "How to settle the final bill" },
            required: true,
            options: [
              { value: "account", label: { ja: "今の口座振替のまま", en: "Keep the current direct debit" } },
              {
                value: "slip",
                label: { ja: "転居先へ納付書を郵送", en: "Post a payment slip to my new address" },
              },
            ],
          },
          {
            key: "forwarding_postal_code",
            type: "postal_code",
            label: { ja: "転居先の郵便番号", en: "Postal code of your new address" },
            fillsAddress: "forwarding_address",
            showIf: slipByPost,
            requiredIf: slipByPost,
          },
          {
            key: "forwarding_address",
            type: "address",
            label: { ja: "転居先の住所", en: "New address" },
            showIf: slipByPost,
            requiredIf: slipByPost,
          },
        ],
      },
      {
        key: "contact",
        title: { ja: "届出をする人", en: "Your details" },
        fields: [
          {
            key: "applicant_name",
            type: "name",
            label: { ja: "氏名", en: "Full name" },
            required: true,
            prefill: { from: "profile", attribute: "name" },
          },
          {
            key: "relation",
            type: "choice",
            label: { ja: "使用者との関係", en: "Your relation to the water user" },
            required: true,
            options: [
              { value: "self", label: { ja: "本人", en: "Myself" } },
              { value: "family", label: { ja: "家族", en: "Family" } },
              { value: "agent", label: { ja: "管理会社・不動産会社", en: "Property manager or agent" } },
            ],
          },
          {
            key: "phone",
            type: "phone",
            label: { ja: "連絡のつく電話番号", en: "Phone number" },
            required: true,
            prefill: { from: "profile", attribute: "phone" },
          },
          {
            key: "email",
            type: "email",
            label: { ja: "メールアドレス", en: "Email address" },
            prefill: { from: "profile", attribute: "email" },
          },
        ],
      },
    ],
  },
};
