import type { Field, FormDefinition, GroupMemberField, Page } from "./form-definition.ts";

/** One difference between two definitions, for the version history screen. */
export type DefinitionChange = {
  /** Dotted path by stable keys, e.g. "pages.applicant.fields.name.label". */
  path: string;
  kind: "added" | "removed" | "changed";
  /** What changed, in Japanese, for staff reading the history. */
  label: string;
  before?: unknown;
  after?: unknown;
};

const propertyNames: Record<string, string> = {
  schema_version: "形式の版",
  title: "題名",
  description: "説明文",
  assuranceLevel: "必要な本人確認",
  opensAt: "受付開始日時",
  closesAt: "受付終了日時",
  maxApplications: "受付件数の上限",
  fee: "手数料",
  confirmationText: "申請完了時のメッセージ",
  next: "次のページへの分岐",
  type: "種類",
  label: "表示名",
  hint: "補足説明",
  required: "必須",
  requiredIf: "必須にする条件",
  showIf: "表示する条件",
  errorMessage: "エラーメッセージ",
  prefill: "自動入力",
  maxLength: "最大文字数",
  autocomplete: "入力補助",
  min: "最小値",
  max: "最大値",
  integer: "整数のみ",
  unit: "単位",
  fillsAddress: "住所の自動入力先",
  withKana: "フリガナ",
  options: "選択肢",
  display: "表示形式",
  minSelected: "最少選択数",
  maxSelected: "最多選択数",
  accept: "受け付けるファイルの種類",
  maxFiles: "ファイル数の上限",
  maxSizeMb: "ファイルサイズの上限",
  text: "本文",
  expression: "計算式",
  format: "表示形式",
  itemLabel: "1件の呼び名",
  minItems: "最少件数",
  maxItems: "最多件数",
};

const propertyName = (property: string) => propertyNames[property] ?? property;

const verbs = { added: "追加", removed: "削除", changed: "変更" } as const;

type Kind = DefinitionChange["kind"];

/** Structural equality of JSON values, ignoring key order and absent (undefined) properties. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i]))
    );
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].every((key) => sameJson(left[key], right[key]));
  }
  return false;
}

function change(path: string, kind: Kind, label: string, before: unknown, after: unknown): DefinitionChange {
  return {
    path,
    kind,
    label,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  };
}

/** Changes of the plain properties two objects share a key space for, skipping the ones handled elsewhere. */
function propertyChanges(
  before: object,
  after: object,
  skip: readonly string[],
  path: string,
  describe: (property: string, kind: Kind) => string,
): DefinitionChange[] {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter(
    (key) => !skip.includes(key),
  );
  return keys.flatMap((key) => {
    const was = left[key];
    const is = right[key];
    if (sameJson(was, is)) {
      return [];
    }
    const kind: Kind = was === undefined ? "added" : is === undefined ? "removed" : "changed";
    return [change(`${path}.${key}`, kind, describe(key, kind), was, is)];
  });
}

/**
 * The keys that kept their relative order (a longest common subsequence): everything else among the common
 * keys counts as moved, so inserting one field does not report every field after it as moved.
 */
function keysInPlace(before: readonly string[], after: readonly string[]): Set<string> {
  const common = new Set(before.filter((key) => after.includes(key)));
  const a = before.filter((key) => common.has(key));
  const b = after.filter((key) => common.has(key));
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] =
        a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const kept = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return kept;
}

type AnyField = Field | GroupMemberField;

const fieldName = (field: AnyField) => ("label" in field ? field.label.ja : field.key);
const pageName = (page: Page) => page.title.ja;

/** Changes inside one field present in both versions: its properties, and the members of a group. */
function fieldChanges(before: AnyField, after: AnyField, path: string, subject: string): DefinitionChange[] {
  const changes = propertyChanges(
    before,
    after,
    ["key", "fields"],
    path,
    (property, kind) => `${subject}の${propertyName(property)}を${verbs[kind]}`,
  );
  if (before.type === "group" && after.type === "group") {
    changes.push(
      ...listChanges(
        before.fields,
        after.fields,
        `${path}.fields`,
        (member) => `${subject}の「${fieldName(member)}」`,
      ),
    );
  }
  return changes;
}

/** Added, removed, moved and edited members of one list of fields keyed by field key (a group's members). */
function listChanges(
  before: readonly GroupMemberField[],
  after: readonly GroupMemberField[],
  path: string,
  subjectOf: (field: GroupMemberField) => string,
): DefinitionChange[] {
  const beforeKeys = before.map((f) => f.key);
  const afterKeys = after.map((f) => f.key);
  const inPlace = keysInPlace(beforeKeys, afterKeys);
  const changes: DefinitionChange[] = [];
  after.forEach((field, index) => {
    const at = `${path}.${field.key}`;
    const previous = before.find((f) => f.key === field.key);
    if (!previous) {
      changes.push(change(at, "added", `${subjectOf(field)}を追加`, undefined, field));
      return;
    }
    if (!inPlace.has(field.key)) {
      changes.push(
        change(
          `${at}.position`,
          "changed",
          `${subjectOf(field)}の順番を変更`,
          beforeKeys.indexOf(field.key) + 1,
          index + 1,
        ),
      );
    }
    changes.push(...fieldChanges(previous, field, at, subjectOf(field)));
  });
  for (const field of before.filter((f) => !afterKeys.includes(f.key))) {
    changes.push(change(`${path}.${field.key}`, "removed", `${subjectOf(field)}を削除`, field, undefined));
  }
  return changes;
}

type Placed = { field: Field; page: Page; index: number };

function placeFields(definition: FormDefinition): Map<string, Placed> {
  const placed = new Map<string, Placed>();
  for (const page of definition.pages) {
    page.fields.forEach((field, index) => {
      placed.set(field.key, { field, page, index });
    });
  }
  return placed;
}

/**
 * What changed from one definition to another, keyed by page and field keys (which answers are stored
 * under), so a renamed label is one change and a moved field is a change of position, not a removal and an
 * addition. Form settings first, then page by page in the newer order, then what was removed.
 */
export function diffDefinitions(before: FormDefinition, after: FormDefinition): DefinitionChange[] {
  const changes = propertyChanges(
    before,
    after,
    ["pages"],
    "form",
    (property, kind) => `フォームの${propertyName(property)}を${verbs[kind]}`,
  ).map((c) => ({ ...c, path: c.path.slice("form.".length) }));

  const beforePages = new Map(before.pages.map((page) => [page.key, page]));
  const afterPageKeys = after.pages.map((page) => page.key);
  const pagesInPlace = keysInPlace(
    before.pages.map((page) => page.key),
    afterPageKeys,
  );
  const beforeFields = placeFields(before);
  const afterFields = placeFields(after);

  after.pages.forEach((page, pageIndex) => {
    const pagePath = `pages.${page.key}`;
    const previousPage = beforePages.get(page.key);
    const subject = `ページ「${pageName(page)}」`;
    if (!previousPage) {
      changes.push(
        change(pagePath, "added", `${subject}を追加`, undefined, { key: page.key, title: page.title }),
      );
    } else {
      if (!pagesInPlace.has(page.key)) {
        changes.push(
          change(
            `${pagePath}.position`,
            "changed",
            `${subject}の順番を変更`,
            before.pages.indexOf(previousPage) + 1,
            pageIndex + 1,
          ),
        );
      }
      changes.push(
        ...propertyChanges(
          previousPage,
          page,
          ["key", "fields"],
          pagePath,
          (property, kind) =>
            `${subject}の${property === "title" ? "見出し" : propertyName(property)}を${verbs[kind]}`,
        ),
      );
    }
    // Order within the page is judged only among fields that were on this page before and still are.
    const stayed = (key: string) => beforeFields.get(key)?.page.key === page.key;
    const fieldsInPlace = keysInPlace(
      (previousPage?.fields ?? [])
        .map((f) => f.key)
        .filter((key) => afterFields.get(key)?.page.key === page.key),
      page.fields.map((f) => f.key).filter(stayed),
    );
    page.fields.forEach((field) => {
      const at = `${pagePath}.fields.${field.key}`;
      const fieldSubject = `項目「${fieldName(field)}」`;
      const previous = beforeFields.get(field.key);
      if (!previous) {
        changes.push(change(at, "added", `${fieldSubject}を追加`, undefined, field));
        return;
      }
      if (previous.page.key !== page.key) {
        changes.push(
          change(
            `${at}.page`,
            "changed",
            `${fieldSubject}を「${pageName(previous.page)}」から「${pageName(page)}」へ移動`,
            previous.page.key,
            page.key,
          ),
        );
      } else if (!fieldsInPlace.has(field.key)) {
        changes.push(
          change(
            `${at}.position`,
            "changed",
            `${fieldSubject}の順番を変更`,
            previous.index + 1,
            page.fields.indexOf(field) + 1,
          ),
        );
      }
      changes.push(...fieldChanges(previous.field, field, at, fieldSubject));
    });
  });

  for (const [key, { field, page }] of beforeFields) {
    if (!afterFields.has(key)) {
      changes.push(
        change(
          `pages.${page.key}.fields.${key}`,
          "removed",
          `項目「${fieldName(field)}」を削除`,
          field,
          undefined,
        ),
      );
    }
  }
  for (const page of before.pages.filter((p) => !afterPageKeys.includes(p.key))) {
    changes.push(
      change(
        `pages.${page.key}`,
        "removed",
        `ページ「${pageName(page)}」を削除`,
        { key: page.key, title: page.title },
        undefined,
      ),
    );
  }
  return changes;
}
