import type { FormTemplate } from "./index.ts";

const satisfaction = [
  { value: "very_satisfied", label: { ja: "満足", en: "Satisfied" } },
  { value: "satisfied", label: { ja: "やや満足", en: "Fairly satisfied" } },
  { value: "neutral", label: { ja: "どちらともいえない", en: "Neither" } },
  { value: "dissatisfied", label: { ja: "やや不満", en: "Fairly dissatisfied" } },
  { value: "very_dissatisfied", label: { ja: "不満", en: "Dissatisfied" } },
];

/** 市民アンケート: anonymous, no personal data; the online-service questions only for those who used them. */
export const surveyTemplate: FormTemplate = {
  key: "survey",
  slug: "survey",
  category: "survey",
  definition: {
    schema_version: 1,
    title: { ja: "市民アンケート(市役所の手続きについて)", en: "Residents' survey: city hall procedures" },
    description: {
      ja: "市役所の窓口やオンライン手続きをより便利にするためのアンケートです。回答は無記名で、5分ほどで終わります。個人を特定する情報は入力しないでください。",
      en: "Help us make city hall counters and online procedures easier to use. The survey is anonymous and takes about 5 minutes. Please do not enter anything that identifies you.",
    },
    assuranceLevel: "none",
    confirmationText: {
      ja: "ご回答ありがとうございました。結果は市のホームページで公表します。",
      en: "Thank you for your answers. We will publish the results on the city's website.",
    },
    pages: [
      {
        key: "about",
        title: { ja: "あなたについて", en: "About you" },
        fields: [
          {
            key: "age_group",
            type: "choice",
            label: { ja: "年代", en: "Age group" },
            required: true,
            options: [
              { value: "under20", label: { ja: "10代", en: "Under 20" } },
              { value: "age20s", label: { ja: "20代", en: "20s" } },
              { value: "age30s", label: { ja: "30代", en: "30s" } },
              { value: "age40s", label: { ja: "40代", en: "40s" } },
              { value: "age50s", label: { ja: "50代", en: "50s" } },
              { value: "age60s", label: { ja: "60代", en: "60s" } },
              { value: "over70", label: { ja: "70代以上", en: "70 or over" } },
              { value: "no_answer", label: { ja: "答えたくない", en: "Prefer not to say" } },
            ],
          },
          {
            key: "area",
            type: "choice",
            label: { ja: "お住まいの地区", en: "Area you live in" },
            display: "select",
            options: [
              { value: "chuo", label: { ja: "中央地区", en: "Chuo" } },
              { value: "higashi", label: { ja: "東地区", en: "Higashi" } },
              { value: "nishi", label: { ja: "西地区", en: "Nishi" } },
              { value: "minato", label: { ja: "みなと地区", en: "Minato" } },
              { value: "outside", label: { ja: "市外", en: "Outside the city" } },
            ],
          },
        ],
      },
      {
        key: "experience",
        title: { ja: "手続きの利用", en: "Using our services" },
        fields: [
          {
            key: "visited",
            type: "multi_choice",
            label: {
              ja: "この1年間に利用した手続きの方法",
              en: "How you dealt with the city in the past year",
            },
            hint: { ja: "あてはまるものをすべて選んでください", en: "Choose all that apply" },
            required: true,
            options: [
              { value: "counter", label: { ja: "市役所・支所の窓口", en: "At a counter" } },
              { value: "online", label: { ja: "オンライン申請", en: "Online application" } },
              { value: "line", label: { ja: "市の公式LINE", en: "The city's LINE account" } },
              { value: "convenience_store", label: { ja: "コンビニ交付", en: "Convenience store kiosk" } },
              { value: "post", label: { ja: "郵送", en: "By post" } },
              { value: "none", label: { ja: "利用していない", en: "None" } },
            ],
          },
          {
            key: "counter_satisfaction",
            type: "choice",
            label: { ja: "窓口の満足度", en: "Satisfaction with the counter" },
            options: satisfaction,
            showIf: { in: ["counter", { var: "visited" }] },
          },
          {
            key: "counter_wait",
            type: "choice",
            label: { ja: "窓口での待ち時間", en: "Waiting time at the counter" },
            options: [
              { value: "under15", label: { ja: "15分未満", en: "Under 15 minutes" } },
              { value: "under30", label: { ja: "15〜30分", en: "15 to 30 minutes" } },
              { value: "under60", label: { ja: "30分〜1時間", en: "30 minutes to an hour" } },
              { value: "over60", label: { ja: "1時間以上", en: "Over an hour" } },
            ],
            showIf: { in: ["counter", { var: "visited" }] },
          },
        ],
        // Those who never went online skip the questions about it.
        next: [
          {
            if: {
              "!": [{ or: [{ in: ["online", { var: "visited" }] }, { in: ["line", { var: "visited" }] }] }],
            },
            goTo: "ideas",
          },
        ],
      },
      {
        key: "online",
        title: { ja: "オンライン手続き", en: "Online services" },
        fields: [
          {
            key: "online_satisfaction",
            type: "choice",
            label: { ja: "オンライン手続きの満足度", en: "Satisfaction with online services" },
            required: true,
            options: satisfaction,
          },
          {
            key: "online_trouble",
            type: "multi_choice",
            label: { ja: "困ったこと", en: "What was difficult" },
            hint: { ja: "あてはまるものをすべて選んでください", en: "Choose all that apply" },
            options: [
              { value: "find", label: { ja: "手続きが見つけにくい", en: "Finding the right procedure" } },
              {
                value: "card",
                label: { ja: "マイナンバーカードの読み取り", en: "Reading the My Number card" },
              },
              { value: "words", label: { ja: "言葉が分かりにくい", en: "Hard-to-understand wording" } },
              { value: "upload", label: { ja: "書類の添付", en: "Attaching documents" } },
              { value: "payment", label: { ja: "手数料の支払い", en: "Paying the fee" } },
              { value: "nothing", label: { ja: "特になし", en: "Nothing" } },
            ],
          },
        ],
      },
      {
        key: "ideas",
        title: { ja: "ご意見", en: "Your ideas" },
        fields: [
          {
            key: "wanted_online",
            type: "multi_choice",
            label: {
              ja: "オンラインでできるとよい手続き(3つまで)",
              en: "Procedures you would like online (up to 3)",
            },
            maxSelected: 3,
            options: [
              { value: "certificates", label: { ja: "証明書の請求", en: "Certificates" } },
              { value: "moving", label: { ja: "引っ越しの手続き", en: "Moving in or out" } },
              { value: "childcare", label: { ja: "子育ての申請", en: "Childcare applications" } },
              { value: "tax", label: { ja: "税の申告・相談", en: "Tax returns and advice" } },
              { value: "facilities", label: { ja: "施設の予約", en: "Booking facilities" } },
              { value: "garbage", label: { ja: "ごみの申込み", en: "Garbage collection" } },
            ],
          },
          {
            key: "comments",
            type: "textarea",
            label: { ja: "市役所の手続きについてのご意見", en: "Anything else about city hall procedures" },
            hint: {
              ja: "氏名や連絡先など個人が分かる情報は書かないでください",
              en: "Please leave out names, contact details or anything that identifies you",
            },
            maxLength: 2000,
          },
        ],
      },
    ],
  },
};
