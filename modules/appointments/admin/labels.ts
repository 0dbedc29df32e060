/** Words of the type settings screens, in both languages (the screens pick by the page's language). */
export const adminLabels = {
  newType: { ja: "予約の種類を追加", en: "Add a kind of appointment" },
  settingsTitle: { ja: "{name}の設定", en: "Settings: {name}" },
  settings: { ja: "設定", en: "Settings" },
  basics: { ja: "基本の設定", en: "Basic settings" },
  slug: {
    ja: "アドレス名（半角英小文字・数字・ハイフン）",
    en: "Address name (lowercase letters, digits, hyphens)",
  },
  slugHint: {
    ja: "予約ページのアドレス /appointments/○○ になります。後から変えられません。",
    en: "The booking page will be /appointments/<name>. It cannot change later.",
  },
  name_ja: { ja: "名前（日本語）", en: "Name (Japanese)" },
  name_en: { ja: "名前（英語）", en: "Name (English)" },
  description_ja: { ja: "説明（日本語）", en: "Description (Japanese)" },
  description_en: { ja: "説明（英語）", en: "Description (English)" },
  place_ja: { ja: "場所（日本語）", en: "Place (Japanese)" },
  place_en: { ja: "場所（英語）", en: "Place (English)" },
  department_id: { ja: "担当の所属", en: "Department" },
  duration_minutes: { ja: "1回の所要時間（分）", en: "Length of one appointment (minutes)" },
  capacity_per_slot: { ja: "1枠の人数", en: "People per slot" },
  lead_business_days: {
    ja: "何開庁日先から予約できるか",
    en: "Bookable from this many 開庁日 (working days) ahead",
  },
  horizon_days: { ja: "何日先まで予約できるか", en: "Bookable up to this many days ahead" },
  max_active_per_person: { ja: "1人が持てる予約の数", en: "Upcoming appointments one person may hold" },
  change_deadline_business_days: {
    ja: "変更・キャンセルの締切（何開庁日前まで。0は開始まで）",
    en: "Change or cancel until this many 開庁日 before (0: until it starts)",
  },
  pre_question_form_slug: { ja: "事前質問のフォーム", en: "Pre-question form" },
  noForm: { ja: "なし", en: "None" },
  active: { ja: "住民が予約できるようにする", en: "Residents can book it" },
  save: { ja: "保存する", en: "Save" },
  create: { ja: "追加する", en: "Add" },
  hours: { ja: "受付時間（毎週）", en: "Weekly opening hours" },
  hoursLead: {
    ja: "1つの曜日に複数の時間帯を設定できます。使わない行は空のままにしてください。時刻は 09:00 のように入力します。",
    en: "A day may have several periods. Leave unused rows empty. Enter times like 09:00.",
  },
  period: { ja: "時間帯 {n}", en: "Period {n}" },
  weekday: { ja: "曜日", en: "Day of the week" },
  chooseWeekday: { ja: "選んでください", en: "Choose" },
  opens: { ja: "開始", en: "Opens" },
  closes: { ja: "終了", en: "Closes" },
  saveHours: { ja: "受付時間を保存する", en: "Save the hours" },
  closures: { ja: "臨時休業日", en: "Closure dates" },
  noClosures: { ja: "臨時休業日はありません。", en: "No closure dates." },
  closureDate: { ja: "日付", en: "Date" },
  reason_ja: { ja: "理由（日本語）", en: "Reason (Japanese)" },
  reason_en: { ja: "理由（英語）", en: "Reason (English)" },
  addClosure: { ja: "休業日を追加する", en: "Add the closure" },
  remove: { ja: "{date}の休業を取り消す", en: "Remove the closure on {date}" },
  errorTitle: { ja: "入力内容を確認してください", en: "Check the entries" },
  stranded: { ja: "影響を受ける予約", en: "Appointments affected" },
  saved: { ja: "保存しました。", en: "Saved." },
  created: {
    ja: "追加しました。続けて受付時間を設定してください。",
    en: "Added. Now set its opening hours.",
  },
  back: { ja: "窓口予約の一覧へ", en: "Back to counter appointments" },
  badDate: {
    ja: "2000年から2100年までの実在する日付を入力してください",
    en: "Enter a real date from 2000 to 2100",
  },
} as const;

export const weekdayNames = {
  ja: ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"],
  en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
} as const;

/** A label in the page's language, with {placeholders} filled. */
export function label(
  key: keyof typeof adminLabels,
  lang: "ja" | "en",
  values: Record<string, string | number> = {},
) {
  return adminLabels[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
}
