import type { ContentfulStatusCode } from "hono/utils/http-status";

export type Bilingual = { ja: string; en: string };

export type ProblemFieldError = { pointer: string; detail: string; detailJa?: string };

export type ProblemExtra = {
  detail?: string;
  errors?: ProblemFieldError[];
  headers?: Record<string, string>;
};

/**
 * An error meant for the user, rendered as RFC 9457 problem+json for API calls and as a friendly page
 * for browsers. Anything else thrown becomes a 500 without details.
 */
export class ProblemError extends Error {
  override name = "ProblemError";
  readonly status: ContentfulStatusCode;
  readonly slug: string;
  readonly title: Bilingual;
  readonly extra: ProblemExtra;
  constructor(status: ContentfulStatusCode, slug: string, title: Bilingual, extra: ProblemExtra = {}) {
    super(title.en);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.extra = extra;
  }
}

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  title_ja: string;
  errors?: ProblemFieldError[];
  request_id?: string;
};

export function problemBody(problem: ProblemError, instance: string, requestId: string): ProblemBody {
  return {
    type: `https://tenohira.org/problems/${problem.slug}`,
    title: problem.title.en,
    title_ja: problem.title.ja,
    status: problem.status,
    ...(problem.extra.detail ? { detail: problem.extra.detail } : {}),
    ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
    instance,
    request_id: requestId,
  };
}

export const problems = {
  notFound: () => new ProblemError(404, "not-found", { ja: "ページが見つかりません", en: "Not found" }),
  unauthorized: () =>
    new ProblemError(401, "unauthorized", { ja: "ログインが必要です", en: "Sign-in required" }),
  forbidden: () =>
    new ProblemError(403, "forbidden", {
      ja: "この操作の権限がありません",
      en: "You are not allowed to do this",
    }),
  invalidRequest: (errors: ProblemFieldError[]) =>
    new ProblemError(
      400,
      "invalid-request",
      { ja: "入力内容に誤りがあります", en: "The request is not valid" },
      { errors },
    ),
  malformedJson: () =>
    new ProblemError(400, "malformed-json", {
      ja: "送信されたJSONの形式が正しくありません",
      en: "The request body is not valid JSON",
    }),
  payloadTooLarge: (limitBytes: number) =>
    new ProblemError(
      413,
      "payload-too-large",
      { ja: "送信データが大きすぎます", en: "The request body is too large" },
      { detail: `Limit: ${limitBytes} bytes / 上限 ${limitBytes} バイト` },
    ),
  csrf: () =>
    new ProblemError(403, "csrf", {
      ja: "フォームの有効期限が切れたか、不正な送信です。もう一度お試しください",
      en: "The form expired or the request was forged. Please try again",
    }),
  conflict: (title: Bilingual) => new ProblemError(409, "conflict", title),
} as const;
