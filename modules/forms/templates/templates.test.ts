import { describe, expect, it } from "vitest";
import type { Answers } from "../definition/answers.ts";
import { FormDefinition } from "../definition/form-definition.ts";
import { checkPage, computeValues, feeOf, type PageInput, routeOf } from "../definition/validate-page.ts";
import { type FormTemplate, findTemplate, formTemplates, templateCategories } from "./index.ts";

/** 2026-03-10 in Japan. */
const now = new Date("2026-03-09T16:00:00Z");

type Posted = Record<string, string | string[]>;

function inputOf(values: Posted): PageInput {
  return new Map(
    Object.entries(values).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
  );
}

function template(key: string): FormTemplate {
  const found = findTemplate(key);
  if (!found) {
    throw new Error(`No template ${key}`);
  }
  return found;
}

/**
 * Fills a template as a resident would: page by page along the route the answers so far give, posting the
 * inputs given for each page, each page checked on the server. `stored` stands for uploads already made.
 */
function fillIn(key: string, posted: Record<string, Posted>, stored: Answers = {}) {
  const form = FormDefinition.parse(template(key).definition);
  let answers: Answers = { ...stored };
  const route: string[] = [];
  for (let step = 0; ; step++) {
    const page = routeOf(form, answers)[step];
    if (!page) {
      break;
    }
    const values = posted[page.key];
    if (!values) {
      throw new Error(`The route of ${key} reached page ${page.key}, which the test does not fill in`);
    }
    const checked = checkPage({ form, page, input: inputOf(values), current: answers, now });
    expect(checked.problems, `${key}/${page.key}`).toEqual([]);
    answers = { ...answers, ...checked.answers };
    route.push(page.key);
  }
  expect(route.toSorted(), "every filled-in page is on the route").toEqual(Object.keys(posted).toSorted());
  return { form, answers, route, fee: feeOf(form, answers), computed: computeValues(form, answers) };
}

/** The problems (input names) of posting these values on one page of a template. */
function problemsOn(key: string, pageKey: string, values: Posted, current: Answers = {}): string[] {
  const form = FormDefinition.parse(template(key).definition);
  const page = form.pages.find((p) => p.key === pageKey)!;
  return checkPage({ form, page, input: inputOf(values), current, now }).problems.map((p) => p.input);
}

/** Every `{ var: ... }` an object tree reads. */
function variablesIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(variablesIn);
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.var === "string" && Object.keys(record).length === 1) {
      return [record.var];
    }
    return Object.values(record).flatMap(variablesIn);
  }
  return [];
}

/** Every Japanese/English text pair in an object tree. */
function textsIn(value: unknown): { ja: string; en?: string }[] {
  if (Array.isArray(value)) {
    return value.flatMap(textsIn);
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.ja === "string") {
      return [record as { ja: string; en?: string }];
    }
    return Object.values(record).flatMap(textsIn);
  }
  return [];
}

const applicant = {
  "applicant_name.name": "手乃　平",
  "applicant_name.kana": "てのひら たいら",
  birth_date: "1985-06-15",
  address: "てのひら市中央町1丁目2番3号",
  phone: "099-123-4567",
};

describe("the shipped templates", () => {
  it("are the eight of the issue, with unique keys and slugs", () => {
    expect(formTemplates.map((t) => t.key)).toEqual([
      "juminhyo",
      "koseki",
      "nozei",
      "suido",
      "hokago-club",
      "hoikusho",
      "sodai-gomi",
      "survey",
    ]);
    expect(new Set(formTemplates.map((t) => t.key)).size).toBe(formTemplates.length);
    expect(new Set(formTemplates.map((t) => t.slug)).size).toBe(formTemplates.length);
    for (const { slug, category } of formTemplates) {
      expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(templateCategories[category], category).toBeDefined();
    }
    expect(findTemplate("juminhyo")?.slug).toBe("juminhyo");
    expect(findTemplate("nothing")).toBeUndefined();
  });

  for (const { key, definition } of formTemplates) {
    describe(key, () => {
      const form = FormDefinition.parse(definition);

      it("parses as a form definition and has English for every text", () => {
        expect(form.schema_version).toBe(1);
        const texts = textsIn(definition);
        expect(texts.length).toBeGreaterThan(10);
        expect(texts.filter((text) => !text.en)).toEqual([]);
      });

      it("reads only answers the form has in its conditions and computed values", () => {
        const fields = form.pages.flatMap((page) => page.fields);
        const check = (name: string, siblings: string[] = []) => {
          const [head, member] = name.split(".") as [string, string | undefined];
          if (member === undefined && siblings.includes(head)) {
            return;
          }
          const field = fields.find((f) => f.key === head);
          expect(field, `${key} reads ${name}`).toBeDefined();
          if (member !== undefined) {
            expect(field?.type === "group" && field.fields.some((m) => m.key === member), name).toBe(true);
          }
        };
        for (const field of fields) {
          // Conditions within a group item may also read the item's own members.
          const siblings = field.type === "group" ? field.fields.map((m) => m.key) : [];
          for (const name of variablesIn(field)) {
            check(name, siblings);
          }
        }
        for (const page of form.pages) {
          for (const name of variablesIn({ showIf: page.showIf, next: page.next })) {
            check(name);
          }
        }
        for (const name of variablesIn(form.fee ?? null)) {
          check(name);
        }
      });

      it("prefills from the card only when the form asks for the card", () => {
        const fromCard = JSON.stringify(form).includes('"from":"card"');
        expect(fromCard).toBe(form.assuranceLevel === "card");
      });

      it("refuses an empty page wherever the page has a required question", () => {
        for (const page of form.pages) {
          const hasRequired = page.fields.some(
            (field) => "required" in field && field.required && field.type !== "file",
          );
          if (hasRequired) {
            const problems = checkPage({ form, page, input: new Map(), current: {}, now }).problems;
            expect(problems.length, `${key}/${page.key}`).toBeGreaterThan(0);
          }
        }
      });
    });
  }
});

describe("住民票の写し交付申請", () => {
  it("asks for the card, prefills from it, and charges ¥300 a copy", () => {
    const { form, answers, route, fee, computed } = fillIn("juminhyo", {
      applicant,
      request: {
        scope: "household_all",
        include: ["setainushi"],
        copies: "２",
        purpose: "other",
        purpose_other: "奨学金の申請",
      },
      delivery: { send_to: "registered", declaration: "yes" },
    });
    expect(form.assuranceLevel).toBe("card");
    const name = form.pages[0]!.fields.find((f) => f.key === "applicant_name");
    expect(name && "prefill" in name && name.prefill).toEqual({ from: "card", attribute: "name" });
    expect(route).toEqual(["applicant", "request", "delivery"]);
    expect(answers).toMatchObject({
      applicant_name: { name: "手乃 平", kana: "テノヒラ タイラ" },
      phone: "0991234567",
      copies: 2,
      include: ["setainushi"],
      members: null,
      delivery_address: null,
    });
    expect(computed.fee).toBe(600);
    expect(fee).toBe(600);
  });

  it("asks whose and where only when it matters", () => {
    expect(
      problemsOn("juminhyo", "request", { scope: "household_some", copies: "1", purpose: "employment" }),
    ).toEqual(["members"]);
    expect(problemsOn("juminhyo", "delivery", { send_to: "other", declaration: "yes" })).toEqual([
      "delivery_postal_code",
      "delivery_address",
      "delivery_reason",
    ]);
    const { fee, answers } = fillIn("juminhyo", {
      applicant,
      request: { scope: "household_some", members: "手乃 平\n手乃 花子", copies: "1", purpose: "pension" },
      delivery: {
        send_to: "other",
        delivery_postal_code: "８９１－０１１１",
        delivery_address: "てのひら市港町5-1 社宅201",
        delivery_reason: "単身赴任先のため",
        declaration: "yes",
      },
    });
    expect(answers.delivery_postal_code).toBe("891-0111");
    expect(fee).toBe(300);
  });

  it("refuses more than 10 copies", () => {
    expect(problemsOn("juminhyo", "request", { scope: "self", copies: "11", purpose: "school" })).toEqual([
      "copies",
    ]);
  });
});

describe("戸籍証明書交付申請", () => {
  it("charges ¥450 a register copy and ¥750 a closed register copy", () => {
    const { fee, answers } = fillIn("koseki", {
      applicant,
      register: {
        honseki: "てのひら市中央町1番地",
        "hittosha.name": "手乃 一郎",
        relation: "descendant",
      },
      kinds: {
        certificates: ["tohon", "joseki"],
        tohon_copies: "2",
        joseki_copies: "1",
        purpose: "inheritance",
        declaration: "yes",
      },
    });
    expect(answers).toMatchObject({
      tohon_copies: 2,
      joseki_copies: 1,
      shohon_copies: null,
      kaisei_copies: null,
    });
    expect(fee).toBe(450 * 2 + 750);
  });

  it("asks for the copies of each kind chosen", () => {
    expect(
      problemsOn("koseki", "kinds", {
        certificates: ["shohon", "kaisei"],
        purpose: "passport",
        declaration: "yes",
      }),
    ).toEqual(["shohon_copies", "shohon_person", "kaisei_copies"]);
  });
});

describe("納税証明書交付申請", () => {
  it("charges ¥300 a copy", () => {
    const { fee } = fillIn("nozei", {
      applicant,
      certificate: {
        tax_type: "shikenminzei",
        tax_year: "7",
        purpose: "loan",
        copies: "3",
        declaration: "yes",
      },
    });
    expect(fee).toBe(900);
  });

  it("is free for a light vehicle's inspection, which needs the registration number", () => {
    expect(
      problemsOn("nozei", "certificate", {
        tax_type: "kei_jidosha",
        tax_year: "8",
        purpose: "vehicle_inspection",
        copies: "1",
        declaration: "yes",
      }),
    ).toEqual(["for_inspection", "vehicle_number"]);
    const { fee, answers } = fillIn("nozei", {
      applicant,
      certificate: {
        tax_type: "kei_jidosha",
        tax_year: "8",
        for_inspection: "yes",
        vehicle_number: "てのひら 580 あ 12-34",
        purpose: "vehicle_inspection",
        copies: "1",
        declaration: "yes",
      },
    });
    expect(answers.for_inspection).toBe("yes");
    expect(fee).toBe(0);
  });

  it("needs no year for the certificate of no unpaid tax", () => {
    const { answers, fee } = fillIn("nozei", {
      applicant,
      certificate: { tax_type: "kanno", tax_year: "7", purpose: "bidding", copies: "2", declaration: "yes" },
    });
    expect(answers.tax_year).toBeNull();
    expect(fee).toBe(600);
  });
});

describe("水道開始・中止届", () => {
  const contact = {
    "applicant_name.name": "手乃 平",
    "applicant_name.kana": "テノヒラ タイラ",
    relation: "self",
    phone: "090-1234-5678",
    email: "taira@example.jp",
  };

  it("asks only the start questions when starting", () => {
    const { route, answers, fee } = fillIn("suido", {
      kind: { procedure: "start" },
      start: {
        start_date: "2026-03-20",
        start_postal_code: "8910000",
        start_address: "てのひら市中央町2-5 コーポ中央101",
        building_type: "apartment",
        meter_location: "pipe_shaft",
        "user_name.name": "手乃 平",
        "user_name.kana": "テノヒラ タイラ",
        payment: "account",
      },
      contact,
    });
    expect(route).toEqual(["kind", "start", "contact"]);
    expect(answers.start_postal_code).toBe("891-0000");
    expect(fee).toBeNull();
  });

  it("asks only the stop questions when stopping, and the new address for a payment slip", () => {
    expect(
      problemsOn("suido", "stop", {
        stop_date: "2026-03-31",
        stop_postal_code: "891-0000",
        stop_address: "てのひら市中央町2-5",
        settlement: "slip",
      }),
    ).toEqual(["forwarding_postal_code", "forwarding_address"]);
    const { route } = fillIn("suido", {
      kind: { procedure: "stop" },
      stop: {
        stop_date: "2026-03-31",
        stop_postal_code: "891-0000",
        stop_address: "てのひら市中央町2-5 コーポ中央101",
        settlement: "slip",
        forwarding_postal_code: "100-0001",
        forwarding_address: "東京都千代田区千代田1-1",
      },
      contact,
    });
    expect(route).toEqual(["kind", "stop", "contact"]);
  });

  it("refuses a start date in the past", () => {
    expect(
      problemsOn("suido", "start", {
        start_date: "2026-03-09",
        start_postal_code: "8910000",
        start_address: "てのひら市中央町2-5",
        building_type: "house",
        "user_name.name": "手乃 平",
        "user_name.kana": "テノヒラ タイラ",
        payment: "slip",
      }),
    ).toEqual(["start_date"]);
  });
});

describe("放課後児童クラブ入所申込", () => {
  const guardian = {
    "guardian_name.name": "手乃 平",
    "guardian_name.kana": "てのひら たいら",
    postal_code: "891-0000",
    address: "てのひら市中央町1-2-3",
    phone: "090-1234-5678",
    email: "taira@example.jp",
  };
  const children = {
    "children.count": "2",
    "children.0.name.name": "手乃 太郎",
    "children.0.name.kana": "てのひら たろう",
    "children.0.birth_date": "2019-05-10",
    "children.0.school": "chuo",
    "children.0.grade": "g1",
    "children.0.period": "year",
    "children.1.name.name": "手乃 花子",
    "children.1.name.kana": "テノヒラ ハナコ",
    "children.1.birth_date": "2017-11-02",
    "children.1.school": "chuo",
    "children.1.grade": "g3",
    "children.1.period": "summer",
    "children.1.care_notes": "卵アレルギーがあります",
  };

  it("takes several children and each guardian's situation", () => {
    const { answers, computed, fee } = fillIn("hokago-club", {
      guardian,
      child_details: children,
      work: {
        work_status: "employed",
        workplace: "てのひら市役所",
        work_days: "5",
        work_end: "18時30分",
        other_guardian: "present",
        other_guardian_status: "job_seeking",
      },
      closing: {
        pickup: "guardian",
        pickup_person: "祖母 手乃 ハル",
        consent_privacy: "yes",
        consent_fee: "yes",
      },
    });
    expect(answers.children).toEqual([
      {
        name: { name: "手乃 太郎", kana: "テノヒラ タロウ" },
        birth_date: "2019-05-10",
        school: "chuo",
        grade: "g1",
        period: "year",
        care_notes: null,
      },
      {
        name: { name: "手乃 花子", kana: "テノヒラ ハナコ" },
        birth_date: "2017-11-02",
        school: "chuo",
        grade: "g3",
        period: "summer",
        care_notes: "卵アレルギーがあります",
      },
    ]);
    expect(answers.other_guardian_workplace).toBeNull();
    expect(computed.child_count).toBe(2);
    expect(fee).toBeNull();
  });

  it("asks about work only for working guardians, and names each child's problem", () => {
    expect(problemsOn("hokago-club", "work", { work_status: "employed", other_guardian: "none" })).toEqual([
      "workplace",
      "work_days",
      "work_end",
    ]);
    expect(
      problemsOn("hokago-club", "work", { work_status: "caregiving", other_guardian: "present" }),
    ).toEqual(["status_details", "other_guardian_status"]);
    expect(
      problemsOn("hokago-club", "child_details", {
        ...children,
        "children.1.grade": "g7",
        "children.0.birth_date": "2026-04-01",
      }),
    ).toEqual(["children.0.birth_date", "children.1.grade"]);
  });

  it("needs both consents", () => {
    expect(problemsOn("hokago-club", "closing", { pickup: "alone", consent_privacy: "yes" })).toEqual([
      "consent_fee",
    ]);
  });
});

describe("保育所入所申込", () => {
  const child = {
    "child_name.name": "手乃 みらい",
    "child_name.kana": "てのひら みらい",
    child_birth_date: "2025-06-01",
    start_date: "2026-04-01",
    nurseries: ["hidamari", "chuo", "sakura"],
    other_offer: "yes",
  };
  const guardian = {
    "guardian_name.name": "手乃 平",
    "guardian_name.kana": "テノヒラ タイラ",
    postal_code: "891-0000",
    address: "てのひら市中央町1-2-3",
    phone: "090-1234-5678",
    employment: "employed",
    employer: "株式会社てのひら",
  };
  const certificate = [
    { id: "file-1", name: "shuro-shomei.pdf", size: 48_000, contentType: "application/pdf" },
  ];

  it("skips the partner's page for a single parent and takes the attached work certificate", () => {
    const { route, answers } = fillIn(
      "hoikusho",
      {
        child,
        guardian: { ...guardian, has_partner: "no" },
        documents: { consent: "yes" },
      },
      { work_certificate: certificate },
    );
    expect(route).toEqual(["child", "guardian", "documents"]);
    expect(answers.nurseries).toEqual(["hidamari", "chuo", "sakura"]);
    expect(answers.work_certificate).toEqual(certificate);
  });

  it("asks about the partner when there is one", () => {
    const { route } = fillIn(
      "hoikusho",
      {
        child,
        guardian: { ...guardian, has_partner: "yes" },
        partner: {
          "partner_name.name": "手乃 ゆい",
          "partner_name.kana": "テノヒラ ユイ",
          partner_employment: "self_employed",
          partner_employer: "てのひら農園",
        },
        documents: { consent: "yes" },
      },
      { work_certificate: certificate },
    );
    expect(route).toEqual(["child", "guardian", "partner", "documents"]);
  });

  it("lets a resident choose at most three nurseries", () => {
    expect(
      problemsOn("hoikusho", "child", { ...child, nurseries: ["chuo", "hidamari", "minato", "sakura"] }),
    ).toEqual(["nurseries"]);
  });

  it("requires the work certificate from a working guardian, but not from one on leave for a birth", () => {
    expect(problemsOn("hoikusho", "documents", { consent: "yes" }, { employment: "employed" })).toEqual([
      "work_certificate",
    ]);
    expect(problemsOn("hoikusho", "documents", { consent: "yes" }, { employment: "pregnancy" })).toEqual([]);
  });
});

describe("粗大ごみ収集申込", () => {
  it("charges ¥500 for each item counted", () => {
    const { answers, fee, computed } = fillIn("sodai-gomi", {
      what: {
        "items.count": "3",
        "items.0.item": "tansu",
        "items.0.count": "1",
        "items.1.item": "bicycle",
        "items.1.count": "２",
        "items.2.item": "other",
        "items.2.item_other": "物干し台",
        "items.2.count": "1",
      },
      collection: {
        postal_code: "891-0000",
        address: "てのひら市中央町1-2-3",
        place: "entrance",
        preferred_date: "2026-03-18",
      },
      contact: {
        "applicant_name.name": "手乃 平",
        "applicant_name.kana": "テノヒラ タイラ",
        phone: "099-123-4567",
        email: "taira@example.jp",
        rules: "yes",
      },
    });
    expect(answers.items).toEqual([
      { item: "tansu", count: 1 },
      { item: "bicycle", count: 2 },
      { item: "other", item_other: "物干し台", count: 1 },
    ]);
    expect(computed.item_total).toBe(4);
    expect(fee).toBe(2000);
  });

  it("asks what an 'other' item is, and refuses an unknown item", () => {
    expect(
      problemsOn("sodai-gomi", "what", {
        "items.count": "2",
        "items.0.item": "other",
        "items.0.count": "1",
        "items.1.item": "refrigerator",
        "items.1.count": "1",
      }),
    ).toEqual(["items.0.item_other", "items.1.item"]);
  });
});

describe("市民アンケート", () => {
  it("needs no account and no personal data", () => {
    const form = FormDefinition.parse(template("survey").definition);
    expect(form.assuranceLevel).toBe("none");
    const personal = ["name", "email", "phone", "postal_code", "address", "location", "file", "signature"];
    expect(form.pages.flatMap((p) => p.fields).filter((f) => personal.includes(f.type))).toEqual([]);
  });

  it("skips the online questions for those who never went online", () => {
    const { route, answers, fee } = fillIn("survey", {
      about: { age_group: "age60s", area: "minato" },
      experience: {
        visited: ["counter", "post"],
        counter_satisfaction: "satisfied",
        counter_wait: "under30",
      },
      ideas: {
        wanted_online: ["certificates", "moving"],
        comments: "窓口の待ち時間を\nもっと短くしてほしい",
      },
    });
    expect(route).toEqual(["about", "experience", "ideas"]);
    expect(answers.comments).toBe("窓口の待ち時間を\nもっと短くしてほしい");
    expect(fee).toBeNull();
  });

  it("asks about online services for those who used them, and not about the counter", () => {
    const { route, answers } = fillIn("survey", {
      about: { age_group: "age30s" },
      experience: { visited: ["line"], counter_satisfaction: "dissatisfied" },
      online: { online_satisfaction: "very_satisfied", online_trouble: ["card"] },
      ideas: {},
    });
    expect(route).toEqual(["about", "experience", "online", "ideas"]);
    expect(answers.counter_satisfaction).toBeNull();
    expect(answers.area).toBeNull();
  });
});
