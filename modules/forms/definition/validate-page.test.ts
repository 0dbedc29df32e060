import { describe, expect, it } from "vitest";
import type { Answers } from "./answers.ts";
import { FormDefinition, type FormDefinitionInput } from "./form-definition.ts";
import {
  checkPage,
  computeValues,
  feeOf,
  groupItemCount,
  type PageInput,
  routeOf,
  todayInJapan,
} from "./validate-page.ts";

/** 2026-03-10 in Japan (the UTC date is still the 9th). */
const now = new Date("2026-03-09T16:00:00Z");

type FieldInput = FormDefinitionInput["pages"][number]["fields"][number];

function inputOf(values: Record<string, string | string[]>): PageInput {
  return new Map(
    Object.entries(values).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
  );
}

/** Checks a one-page form holding these fields against the posted values. */
function checkFields(fields: FieldInput[], values: Record<string, string | string[]>, current: Answers = {}) {
  const form = FormDefinition.parse({
    schema_version: 1,
    title: { ja: "テスト", en: "Test" },
    pages: [{ key: "only", title: { ja: "項目" }, fields }],
  });
  return checkPage({ form, page: form.pages[0]!, input: inputOf(values), current, now });
}

/** The answer and problem messages (Japanese) for one field. */
function checkOne(field: FieldInput, values: Record<string, string | string[]>) {
  const { answers, problems } = checkFields([field], values);
  return { value: answers[field.key], problems: problems.map((p) => `${p.input}: ${p.message.ja}`) };
}

const accepted = (value: unknown) => ({ value, problems: [] });

describe("checkPage: text fields", () => {
  const field: FieldInput = {
    key: "purpose",
    type: "text",
    label: { ja: "使いみち", en: "Purpose" },
    required: true,
    maxLength: 10,
  };

  it("normalises full-width letters and digits and collapses spaces", () => {
    expect(checkOne(field, { purpose: "  ＡＢＣ　１２３  " })).toEqual(accepted("ABC 123"));
  });

  it("asks for a missing required answer in Japanese and English", () => {
    const { problems } = checkFields([field], { purpose: "   " });
    expect(problems).toEqual([
      { input: "purpose", message: { ja: "「使いみち」を入力してください", en: "Enter Purpose" } },
    ]);
    expect(checkFields([field], {}).problems).toHaveLength(1);
  });

  it("refuses text over the field's length", () => {
    expect(checkOne(field, { purpose: "あいうえおかきくけこさ" }).problems).toEqual([
      "purpose: 「使いみち」は10文字以内で入力してください",
    ]);
    expect(checkOne(field, { purpose: "あいうえおかきくけこ" })).toEqual(accepted("あいうえおかきくけこ"));
  });

  it("uses the author's message when one is given", () => {
    const { problems } = checkFields(
      [{ ...field, errorMessage: { ja: "使いみちを書いてください", en: "Tell us why" } }],
      {},
    );
    expect(problems[0]!.message).toEqual({ ja: "使いみちを書いてください", en: "Tell us why" });
  });

  it("leaves an optional empty answer empty", () => {
    expect(checkOne({ ...field, required: false }, { purpose: "" })).toEqual(accepted(null));
  });

  it("keeps the lines of a long text", () => {
    const notes: FieldInput = { key: "notes", type: "textarea", label: { ja: "備考" }, maxLength: 20 };
    expect(checkOne(notes, { notes: "卵アレルギー\n１日２回の服薬" })).toEqual(
      accepted("卵アレルギー\n1日2回の服薬"),
    );
    expect(checkOne(notes, { notes: "あ".repeat(21) }).problems).toHaveLength(1);
  });

  it("takes an address of up to 200 characters", () => {
    const address: FieldInput = { key: "address", type: "address", label: { ja: "住所" }, required: true };
    expect(checkOne(address, { address: "てのひら市中央町１－２－３" })).toEqual(
      accepted("てのひら市中央町1-2-3"),
    );
    expect(checkOne(address, { address: "あ".repeat(201) }).problems).toEqual([
      "address: 「住所」は200文字以内で入力してください",
    ]);
  });
});

describe("checkPage: numbers", () => {
  const copies: FieldInput = {
    key: "copies",
    type: "number",
    label: { ja: "通数" },
    required: true,
    min: 1,
    max: 10,
  };

  it("reads full-width digits and thousands separators", () => {
    expect(checkOne(copies, { copies: "２" })).toEqual(accepted(2));
    expect(checkOne({ ...copies, max: 5000 }, { copies: "1,200" })).toEqual(accepted(1200));
  });

  it("refuses what is not a number, fractions of whole numbers, and values out of range", () => {
    expect(checkOne(copies, { copies: "two" }).problems).toEqual([
      "copies: 「通数」は数字で入力してください",
    ]);
    expect(checkOne(copies, { copies: "2通" }).problems).toEqual([
      "copies: 「通数」は数字で入力してください",
    ]);
    expect(checkOne(copies, { copies: "1e3" }).problems).toHaveLength(1);
    expect(checkOne(copies, { copies: "1.5" }).problems).toEqual([
      "copies: 「通数」は整数で入力してください",
    ]);
    expect(checkOne(copies, { copies: "0" }).problems).toEqual(["copies: 「通数」は1以上にしてください"]);
    expect(checkOne(copies, { copies: "11" }).problems).toEqual(["copies: 「通数」は10以下にしてください"]);
    expect(checkOne(copies, { copies: "-1" }).problems).toHaveLength(1);
  });

  it("takes decimals when the field allows them", () => {
    expect(checkOne({ ...copies, integer: false }, { copies: "1.5" })).toEqual(accepted(1.5));
  });
});

describe("checkPage: email, phone and postal code", () => {
  const email: FieldInput = { key: "email", type: "email", label: { ja: "メールアドレス" }, required: true };
  const phone: FieldInput = { key: "phone", type: "phone", label: { ja: "電話番号" }, required: true };
  const postal: FieldInput = {
    key: "postal_code",
    type: "postal_code",
    label: { ja: "郵便番号" },
    required: true,
  };

  it("accepts email addresses, full-width ones normalised", () => {
    expect(checkOne(email, { email: "taro@example.jp" })).toEqual(accepted("taro@example.jp"));
    expect(checkOne(email, { email: "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ" })).toEqual(accepted("taro@example.jp"));
  });

  it("refuses what is not an email address", () => {
    for (const bad of [
      "taro",
      "taro@",
      "@example.jp",
      "taro@example",
      "ta ro@example.jp",
      "a@b@example.jp",
    ]) {
      expect(checkOne(email, { email: bad }).problems, bad).toEqual([
        "email: 「メールアドレス」はメールアドレスの形式で入力してください",
      ]);
    }
  });

  it("stores Japanese phone numbers as digits, whatever the hyphens and width", () => {
    expect(checkOne(phone, { phone: "099-123-4567" })).toEqual(accepted("0991234567"));
    expect(checkOne(phone, { phone: "０９０－１２３４－５６７８" })).toEqual(accepted("09012345678"));
    expect(checkOne(phone, { phone: "(099) 123-4567" })).toEqual(accepted("0991234567"));
    expect(checkOne(phone, { phone: "090ー1234ー5678" })).toEqual(accepted("09012345678"));
  });

  it("refuses phone numbers that are too short or long or do not start with 0", () => {
    for (const bad of ["12345", "9991234567", "090-1234-56789", "099-123-456", "+81 99 123 4567", "tel"]) {
      expect(checkOne(phone, { phone: bad }).problems, bad).toEqual([
        "phone: 「電話番号」は0から始まる10桁か11桁の電話番号で入力してください",
      ]);
    }
  });

  it("stores postal codes as 123-4567", () => {
    expect(checkOne(postal, { postal_code: "8910000" })).toEqual(accepted("891-0000"));
    expect(checkOne(postal, { postal_code: "〒８９１－００００" })).toEqual(accepted("891-0000"));
    expect(checkOne(postal, { postal_code: "891 0000" })).toEqual(accepted("891-0000"));
  });

  it("refuses postal codes that are not 7 digits", () => {
    for (const bad of ["891-000", "891-00000", "abc-defg", "8910-000x"]) {
      expect(checkOne(postal, { postal_code: bad }).problems, bad).toEqual([
        "postal_code: 「郵便番号」は7桁の郵便番号で入力してください(例: 891-0000)",
      ]);
    }
  });
});

describe("checkPage: names with furigana", () => {
  const name: FieldInput = {
    key: "applicant",
    type: "name",
    label: { ja: "氏名", en: "Name" },
    required: true,
  };

  it("stores hiragana and half-width readings as katakana", () => {
    expect(checkOne(name, { "applicant.name": "手乃　平", "applicant.kana": "てのひら たいら" })).toEqual(
      accepted({ name: "手乃 平", kana: "テノヒラ タイラ" }),
    );
    expect(checkOne(name, { "applicant.name": "手乃 平", "applicant.kana": "ﾃﾉﾋﾗ ﾀｲﾗ" })).toEqual(
      accepted({ name: "手乃 平", kana: "テノヒラ タイラ" }),
    );
    expect(checkOne(name, { "applicant.name": "手乃 ゆうこ", "applicant.kana": "テノ ユーコ" })).toEqual(
      accepted({ name: "手乃 ゆうこ", kana: "テノ ユーコ" }),
    );
  });

  it("refuses a reading that is not kana, and a missing one when the name is required", () => {
    expect(checkOne(name, { "applicant.name": "手乃 平", "applicant.kana": "Teno Taira" }).problems).toEqual([
      "applicant.kana: 「氏名」のフリガナはカタカナで入力してください",
    ]);
    expect(checkOne(name, { "applicant.name": "手乃 平", "applicant.kana": "手乃" }).problems).toHaveLength(
      1,
    );
    expect(checkOne(name, { "applicant.name": "手乃 平" }).problems).toEqual([
      "applicant.kana: 「氏名」のフリガナはカタカナで入力してください",
    ]);
    expect(checkOne(name, { "applicant.kana": "テノ" }).problems).toEqual([
      "applicant.name: 「氏名」を入力してください",
    ]);
  });

  it("refuses names over 100 characters", () => {
    expect(checkOne(name, { "applicant.name": "あ".repeat(101), "applicant.kana": "ア" }).problems).toEqual([
      "applicant.name: 「氏名」は100文字以内で入力してください",
    ]);
  });

  it("ignores the reading when the field does not ask for it", () => {
    expect(checkOne({ ...name, withKana: false }, { "applicant.name": "手乃 平" })).toEqual(
      accepted({ name: "手乃 平" }),
    );
    expect(
      checkOne({ ...name, withKana: false }, { "applicant.name": "手乃 平", "applicant.kana": "Teno" }),
    ).toEqual(accepted({ name: "手乃 平" }));
  });

  it("takes an optional name without its reading", () => {
    expect(checkOne({ ...name, required: false }, { "applicant.name": "手乃 平" })).toEqual(
      accepted({ name: "手乃 平" }),
    );
    expect(checkOne({ ...name, required: false }, {})).toEqual(accepted(null));
  });
});

describe("checkPage: dates", () => {
  const date: FieldInput = { key: "day", type: "date", label: { ja: "希望日" }, required: true };

  it("takes real ISO dates, full-width digits normalised", () => {
    expect(checkOne(date, { day: "2026-02-28" })).toEqual(accepted("2026-02-28"));
    expect(checkOne(date, { day: "2028-02-29" })).toEqual(accepted("2028-02-29"));
    expect(checkOne(date, { day: "２０２６－０３－１０" })).toEqual(accepted("2026-03-10"));
  });

  it("refuses dates that do not exist or are not written as ISO dates", () => {
    for (const bad of ["2026-02-30", "2026-02-29", "2026-13-01", "2026-3-1", "令和8年3月1日", "2026/03/01"]) {
      expect(checkOne(date, { day: bad }).problems, bad).toEqual([
        "day: 「希望日」は正しい日付で入力してください",
      ]);
    }
  });

  it("applies fixed bounds", () => {
    const bounded: FieldInput = { ...date, min: "2026-04-01", max: "2026-04-30" };
    expect(checkOne(bounded, { day: "2026-03-31" }).problems).toEqual([
      "day: 「希望日」は2026-04-01以降の日付にしてください",
    ]);
    expect(checkOne(bounded, { day: "2026-05-01" }).problems).toEqual([
      "day: 「希望日」は2026-04-30以前の日付にしてください",
    ]);
    expect(checkOne(bounded, { day: "2026-04-30" })).toEqual(accepted("2026-04-30"));
  });

  it("reads today as the date in Japan", () => {
    expect(todayInJapan(now)).toBe("2026-03-10");
    expect(todayInJapan(new Date("2026-03-09T14:59:59Z"))).toBe("2026-03-09");
    const future: FieldInput = { ...date, min: "today" };
    expect(checkOne(future, { day: "2026-03-09" }).problems).toEqual([
      "day: 「希望日」は2026-03-10以降の日付にしてください",
    ]);
    expect(checkOne(future, { day: "2026-03-10" })).toEqual(accepted("2026-03-10"));
    const past: FieldInput = { ...date, max: "today" };
    expect(checkOne(past, { day: "2026-03-11" }).problems).toEqual([
      "day: 「希望日」は2026-03-10以前の日付にしてください",
    ]);
    expect(checkOne(past, { day: "2000-01-01" })).toEqual(accepted("2000-01-01"));
  });
});

describe("checkPage: choices", () => {
  const options = [
    { value: "employment", label: { ja: "就職" } },
    { value: "pension", label: { ja: "年金" } },
    { value: "other", label: { ja: "その他" } },
  ];
  const choice: FieldInput = {
    key: "purpose",
    type: "choice",
    label: { ja: "使いみち" },
    required: true,
    options,
  };
  const multi: FieldInput = {
    key: "include",
    type: "multi_choice",
    label: { ja: "記載事項" },
    required: true,
    options,
    minSelected: 1,
    maxSelected: 2,
  };

  it("takes one of the options and refuses anything else", () => {
    expect(checkOne(choice, { purpose: "pension" })).toEqual(accepted("pension"));
    expect(checkOne(choice, { purpose: "bribe" }).problems).toEqual([
      "purpose: 「使いみち」の選択肢から選んでください",
    ]);
    expect(checkOne(choice, { purpose: "" }).problems).toEqual(["purpose: 「使いみち」を選んでください"]);
  });

  it("takes several options once each, within the bounds", () => {
    expect(checkOne(multi, { include: ["employment", "other", "employment"] })).toEqual(
      accepted(["employment", "other"]),
    );
    expect(checkOne(multi, { include: ["employment", "pension", "other"] }).problems).toEqual([
      "include: 「記載事項」は2つまで選べます",
    ]);
    expect(checkOne(multi, { include: ["employment", "hacked"] }).problems).toEqual([
      "include: 「記載事項」の選択肢から選んでください",
    ]);
    expect(checkOne(multi, {}).problems).toEqual(["include: 「記載事項」を選んでください"]);
    expect(checkOne({ ...multi, required: false, minSelected: 2 }, { include: ["other"] }).problems).toEqual([
      "include: 「記載事項」は2つ以上選んでください",
    ]);
    expect(checkOne({ ...multi, required: false }, {})).toEqual(accepted(null));
  });
});

describe("checkPage: consent, location, files and signatures", () => {
  const consent: FieldInput = { key: "agree", type: "consent", label: { ja: "利用規約" }, required: true };

  it("records consent as true, and refuses a missing required one", () => {
    expect(checkOne(consent, { agree: "yes" })).toEqual(accepted(true));
    expect(checkOne(consent, {}).problems).toEqual(["agree: 「利用規約」に同意してください"]);
    expect(checkOne(consent, { agree: "no" }).problems).toHaveLength(1);
    expect(checkOne({ ...consent, required: false }, {})).toEqual(accepted(false));
  });

  it("takes a point in Japan and refuses one outside", () => {
    const location: FieldInput = { key: "spot", type: "location", label: { ja: "場所" }, required: true };
    expect(checkOne(location, { "spot.lat": "31.5966", "spot.lng": "130.5571" })).toEqual(
      accepted({ lat: 31.5966, lng: 130.5571 }),
    );
    expect(checkOne(location, { "spot.lat": "51.5", "spot.lng": "-0.12" }).problems).toEqual([
      "spot.lat: 「場所」の位置を正しく指定してください",
    ]);
    expect(checkOne(location, { "spot.lat": "abc", "spot.lng": "130" }).problems).toHaveLength(1);
    expect(checkOne(location, {}).problems).toEqual(["spot: 「場所」を入力してください"]);
  });

  it("keeps uploaded files and signatures from the saved answers, and requires them when asked", () => {
    const file: FieldInput = {
      key: "certificate",
      type: "file",
      label: { ja: "就労証明書" },
      required: true,
    };
    const signature: FieldInput = { key: "sign", type: "signature", label: { ja: "署名" } };
    const stored = [{ id: "f1", name: "shuro.pdf", size: 1200, contentType: "application/pdf" }];
    const kept = checkFields(
      [file, signature],
      { "certificate.remove": "", "sign.typed": "" },
      {
        certificate: stored,
        sign: { typed: "手乃 平" },
      },
    );
    expect(kept).toEqual({ answers: { certificate: stored, sign: { typed: "手乃 平" } }, problems: [] });
    expect(checkFields([file, signature], {}, { certificate: [] }).problems.map((p) => p.input)).toEqual([
      "certificate",
    ]);
  });
});

describe("checkPage: the page as a whole", () => {
  const fields: FieldInput[] = [
    {
      key: "purpose",
      type: "choice",
      label: { ja: "使いみち" },
      required: true,
      options: [
        { value: "pension", label: { ja: "年金" } },
        { value: "other", label: { ja: "その他" } },
      ],
    },
    {
      key: "purpose_other",
      type: "text",
      label: { ja: "その他の使いみち" },
      showIf: { "==": [{ var: "purpose" }, "other"] },
      requiredIf: { "==": [{ var: "purpose" }, "other"] },
    },
    {
      key: "note",
      type: "text",
      label: { ja: "連絡事項" },
      requiredIf: { ">": [{ var: "copies" }, 5] },
    },
    { key: "about", type: "info", text: { ja: "説明文" } },
    { key: "fee", type: "computed", label: { ja: "手数料" }, expression: { "*": [300, { var: "copies" }] } },
  ];

  it("refuses input names the page does not have, but allows the runner's own", () => {
    const { problems } = checkFields(fields, {
      purpose: "pension",
      _csrf: "token",
      _action: "next",
      _idempotency: "k",
      lang: "en",
      is_admin: "true",
      fee: "0",
      about: "x",
    });
    expect(problems).toEqual([
      {
        input: "is_admin",
        message: {
          ja: "この様式にない項目が送られました: is_admin",
          en: "This form has no field called is_admin",
        },
      },
      expect.objectContaining({ input: "fee" }),
      expect.objectContaining({ input: "about" }),
    ]);
  });

  it("clears hidden fields and does not check them", () => {
    expect(checkFields(fields, { purpose: "pension", purpose_other: "<script>" })).toEqual({
      answers: { purpose: "pension", purpose_other: null, note: null },
      problems: [],
    });
  });

  it("shows and requires a field when its condition holds on the same page", () => {
    expect(checkFields(fields, { purpose: "other" }).problems.map((p) => p.input)).toEqual(["purpose_other"]);
    expect(checkFields(fields, { purpose: "other", purpose_other: "奨学金" }).answers.purpose_other).toBe(
      "奨学金",
    );
  });

  it("requires a field when a condition on an earlier page's answer holds", () => {
    expect(checkFields(fields, { purpose: "pension" }, { copies: 6 }).problems.map((p) => p.input)).toEqual([
      "note",
    ]);
    expect(checkFields(fields, { purpose: "pension" }, { copies: 2 }).problems).toEqual([]);
  });

  it("reads a condition on a computed value", () => {
    const paid: FieldInput = {
      key: "payment",
      type: "choice",
      label: { ja: "支払方法" },
      requiredIf: { ">": [{ var: "fee" }, 0] },
      options: [{ value: "card", label: { ja: "カード" } }],
    };
    const withFee = [...fields, paid];
    expect(checkFields(withFee, { purpose: "pension" }, { copies: 1 }).problems.map((p) => p.input)).toEqual([
      "payment",
    ]);
    expect(checkFields(withFee, { purpose: "pension" }, { copies: 0 }).problems).toEqual([]);
  });
});

describe("checkPage: repeating groups", () => {
  const children: FieldInput = {
    key: "children",
    type: "group",
    label: { ja: "お子さん", en: "Children" },
    itemLabel: { ja: "お子さん" },
    minItems: 1,
    maxItems: 3,
    fields: [
      { key: "name", type: "name", label: { ja: "氏名" }, required: true },
      { key: "birth_date", type: "date", label: { ja: "生年月日" }, required: true, max: "today" },
      {
        key: "allergy_detail",
        type: "text",
        label: { ja: "アレルギーの内容" },
        showIf: { "==": [{ var: "allergy" }, "yes"] },
        requiredIf: { "==": [{ var: "allergy" }, "yes"] },
      },
      {
        key: "allergy",
        type: "choice",
        label: { ja: "アレルギー" },
        options: [
          { value: "yes", label: { ja: "ある" } },
          { value: "no", label: { ja: "ない" } },
        ],
      },
    ],
  };
  const child = (index: number, name: string, kana: string, birth: string, allergy = "no") => ({
    [`children.${index}.name.name`]: name,
    [`children.${index}.name.kana`]: kana,
    [`children.${index}.birth_date`]: birth,
    [`children.${index}.allergy`]: allergy,
  });

  it("reads each item, with conditions on the item's own answers (even later ones)", () => {
    const { answers, problems } = checkFields([children], {
      "children.count": "2",
      ...child(0, "手乃 太郎", "てのひら たろう", "2019-05-01"),
      ...child(1, "手乃 花子", "テノヒラ ハナコ", "2017-08-15", "yes"),
      "children.1.allergy_detail": "卵",
    });
    expect(problems).toEqual([]);
    expect(answers.children).toEqual([
      { name: { name: "手乃 太郎", kana: "テノヒラ タロウ" }, birth_date: "2019-05-01", allergy: "no" },
      {
        name: { name: "手乃 花子", kana: "テノヒラ ハナコ" },
        birth_date: "2017-08-15",
        allergy_detail: "卵",
        allergy: "yes",
      },
    ]);
  });

  it("names the input of each item's problem", () => {
    const { problems } = checkFields([children], {
      "children.count": "2",
      ...child(0, "手乃 太郎", "テノヒラ タロウ", "2026-02-30"),
      ...child(1, "手乃 花子", "テノヒラ ハナコ", "2030-01-01", "yes"),
    });
    expect(problems.map((p) => `${p.input}: ${p.message.ja}`)).toEqual([
      "children.0.birth_date: 「生年月日」は正しい日付で入力してください",
      "children.1.birth_date: 「生年月日」は2026-03-10以前の日付にしてください",
      "children.1.allergy_detail: 「アレルギーの内容」を入力してください",
    ]);
  });

  it("refuses inputs of items beyond the count, and enforces the number of items", () => {
    const beyond = checkFields([children], {
      "children.count": "1",
      ...child(0, "手乃 太郎", "テノヒラ タロウ", "2019-05-01"),
      "children.1.birth_date": "2017-08-15",
    });
    expect(beyond.problems.map((p) => p.input)).toEqual(["children.1.birth_date"]);
    expect(checkFields([children], { "children.count": "0" }).problems.map((p) => p.message.ja)).toEqual([
      "「お子さん」を1件以上入力してください",
    ]);
    const four = Object.assign(
      { "children.count": "4" },
      ...[0, 1, 2, 3].map((i) => child(i, "子", "コ", "2019-05-01")),
    );
    expect(checkFields([children], four).problems.map((p) => p.message.ja)).toEqual([
      "「お子さん」は3件までです",
    ]);
  });

  it("reads the item count defensively", () => {
    expect(groupItemCount(inputOf({ "children.count": "3" }), "children", 1)).toBe(3);
    expect(groupItemCount(inputOf({ "children.count": "-1" }), "children", 1)).toBe(1);
    expect(groupItemCount(inputOf({ "children.count": "1.5" }), "children", 1)).toBe(1);
    expect(groupItemCount(inputOf({ "children.count": "999" }), "children", 1)).toBe(1);
    expect(groupItemCount(inputOf({}), "children", 2)).toBe(2);
  });

  it("neither checks nor keeps a hidden group", () => {
    const hasChildren: FieldInput = {
      key: "has_children",
      type: "choice",
      label: { ja: "お子さんの有無" },
      required: true,
      options: [
        { value: "yes", label: { ja: "いる" } },
        { value: "no", label: { ja: "いない" } },
      ],
    };
    const hiddenGroup: FieldInput = { ...children, showIf: { "==": [{ var: "has_children" }, "yes"] } };
    expect(checkFields([hasChildren, hiddenGroup], { has_children: "no", "children.count": "1" })).toEqual({
      answers: { has_children: "no", children: null },
      problems: [],
    });
    expect(
      checkFields([hasChildren, hiddenGroup], { has_children: "yes", "children.count": "1" }).problems,
    ).not.toEqual([]);
  });

  it("sums a member over the items in computed values", () => {
    const form = FormDefinition.parse({
      schema_version: 1,
      title: { ja: "粗大ごみ" },
      fee: { amount: { var: "fee" }, label: { ja: "手数料" } },
      pages: [
        {
          key: "what",
          title: { ja: "品目" },
          fields: [
            {
              key: "items",
              type: "group",
              label: { ja: "品目" },
              itemLabel: { ja: "品目" },
              fields: [{ key: "count", type: "number", label: { ja: "数" }, required: true }],
            },
            {
              key: "total",
              type: "computed",
              label: { ja: "合計" },
              expression: { "+": [{ var: "items.count" }] },
            },
            {
              key: "kinds",
              type: "computed",
              label: { ja: "種類" },
              expression: { count: [{ var: "items" }] },
            },
            {
              key: "fee",
              type: "computed",
              label: { ja: "手数料" },
              expression: { "*": [500, { var: "total" }] },
            },
          ],
        },
      ],
    });
    const items = [{ count: 2 }, { count: 3 }];
    expect(computeValues(form, { items })).toEqual({ total: 5, kinds: 2, fee: 2500 });
    expect(feeOf(form, { items })).toBe(2500);
    expect(computeValues(form, {})).toEqual({ total: 0, kinds: 0, fee: 0 });
  });
});

describe("computeValues and feeOf", () => {
  const base = (fee?: FormDefinitionInput["fee"]) =>
    FormDefinition.parse({
      schema_version: 1,
      title: { ja: "住民票" },
      ...(fee ? { fee } : {}),
      pages: [
        {
          key: "request",
          title: { ja: "請求" },
          fields: [
            { key: "copies", type: "number", label: { ja: "通数" } },
            {
              key: "fee",
              type: "computed",
              label: { ja: "手数料" },
              expression: { "*": [300, { var: "copies" }] },
            },
          ],
        },
      ],
    });

  it("computes the fee from the answers and a computed value", () => {
    const form = base({ amount: { var: "fee" }, label: { ja: "手数料" } });
    expect(computeValues(form, { copies: 2 })).toEqual({ fee: 600 });
    expect(feeOf(form, { copies: 2 })).toBe(600);
    expect(feeOf(form, {})).toBe(0);
  });

  it("rounds to whole yen, never below zero, and is null for a free form", () => {
    expect(
      feeOf(base({ amount: { "*": [{ var: "copies" }, 100.6] }, label: { ja: "手数料" } }), { copies: 1 }),
    ).toBe(101);
    expect(
      feeOf(base({ amount: { "-": [0, { var: "fee" }] }, label: { ja: "手数料" } }), { copies: 1 }),
    ).toBe(0);
    expect(feeOf(base({ amount: "free", label: { ja: "手数料" } }), { copies: 1 })).toBe(0);
    expect(feeOf(base(), { copies: 2 })).toBeNull();
  });
});

describe("routeOf", () => {
  const form = FormDefinition.parse({
    schema_version: 1,
    title: { ja: "保育所入所申込" },
    pages: [
      {
        key: "guardian",
        title: { ja: "保護者" },
        fields: [
          {
            key: "has_partner",
            type: "choice",
            label: { ja: "配偶者" },
            options: [
              { value: "yes", label: { ja: "いる" } },
              { value: "no", label: { ja: "いない" } },
            ],
          },
          { key: "urgent", type: "consent", label: { ja: "急ぎ" } },
        ],
        next: [
          { if: { var: "urgent" }, goTo: "check" },
          { if: { "==": [{ var: "has_partner" }, "no"] }, goTo: "documents" },
        ],
      },
      {
        key: "partner",
        title: { ja: "配偶者" },
        fields: [{ key: "partner_job", type: "text", label: { ja: "職業" } }],
      },
      {
        key: "siblings",
        title: { ja: "きょうだい" },
        showIf: { ">": [{ var: "sibling_count" }, 0] },
        fields: [{ key: "siblings_info", type: "text", label: { ja: "きょうだい" } }],
      },
      {
        key: "documents",
        title: { ja: "書類" },
        fields: [{ key: "note", type: "text", label: { ja: "備考" } }],
      },
    ],
  });
  const keys = (answers: Answers) => routeOf(form, answers).map((page) => page.key);

  it("walks every page whose condition holds when no skip rule matches", () => {
    expect(keys({})).toEqual(["guardian", "partner", "documents"]);
    expect(keys({ has_partner: "yes", sibling_count: 1 })).toEqual([
      "guardian",
      "partner",
      "siblings",
      "documents",
    ]);
  });

  it("skips to the rule's page, first matching rule winning", () => {
    expect(keys({ has_partner: "no", sibling_count: 2 })).toEqual(["guardian", "documents"]);
    expect(keys({ has_partner: "no", urgent: true })).toEqual(["guardian"]);
  });
});
