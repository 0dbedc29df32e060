import { ProblemError } from "../../core/http/problem.ts";

/** The reasons a queue request is refused, in both languages. */
export const queueProblems = {
  officeClosed: (reason: "closed_day" | "before_hours" | "after_hours") =>
    new ProblemError(
      422,
      "queue-office-closed",
      {
        closed_day: { ja: "本日は閉庁日のため整理券を発行していません", en: "The office is closed today" },
        before_hours: {
          ja: "受付時間前のため整理券を発行していません",
          en: "Tickets are not issued before opening time",
        },
        after_hours: {
          ja: "本日の受付は終了しました",
          en: "Ticketing for today has ended",
        },
      }[reason],
    ),
  unknownCategory: () =>
    new ProblemError(422, "queue-unknown-category", {
      ja: "選ばれた手続きの種類はこの窓口にありません",
      en: "This office has no such kind of procedure",
    }),
  alreadyHolding: () =>
    new ProblemError(409, "queue-ticket-held", {
      ja: "この窓口の整理券をすでにお持ちです。先に取った整理券をご利用ください",
      en: "You already hold a ticket for this office today; please use that one",
    }),
  emailAlreadyHolding: () =>
    new ProblemError(409, "queue-email-ticket-held", {
      ja: "このメールアドレスには、この窓口の本日の整理券がすでに発行されています。先に取った整理券をご利用ください",
      en: "A ticket for this office today has already been issued to this email address; please use that one",
    }),
  tooManyTickets: (retryAfterSeconds: number) =>
    new ProblemError(
      429,
      "queue-too-many-tickets",
      {
        ja: "短い時間に多くの整理券が発行されたため、一時的に受け付けを停止しています。しばらく待ってからもう一度お試しください",
        en: "Too many tickets were taken from here in a short time. Please wait a while and try again",
      },
      { headers: { "retry-after": String(retryAfterSeconds) } },
    ),
  staleScreen: () =>
    new ProblemError(409, "queue-stale-screen", {
      ja: "画面が古くなっています。最新の状態を確認してから、もう一度操作してください",
      en: "The page is out of date. Check the current state and try again",
    }),
  ticketNotActive: () =>
    new ProblemError(409, "queue-ticket-not-active", {
      ja: "この整理券は取り消し済みか、すでに受付が終わっています",
      en: "This ticket was cancelled or has already been dealt with",
    }),
  counterNotServing: () =>
    new ProblemError(422, "queue-counter-not-serving", {
      ja: "この窓口ではこの手続きを扱っていません",
      en: "This counter does not serve this kind of procedure",
    }),
  nobodyAtCounter: () =>
    new ProblemError(409, "queue-counter-idle", {
      ja: "この窓口で呼び出し中の整理券はありません",
      en: "No ticket is being called at this counter",
    }),
  unknownCounter: () =>
    new ProblemError(404, "queue-unknown-counter", {
      ja: "その窓口はありません",
      en: "No such counter",
    }),
  slugTaken: () =>
    new ProblemError(409, "queue-slug-taken", {
      ja: "このアドレス名はほかの窓口が使っています",
      en: "Another office already uses this address name",
    }),
  counterNumberTaken: () =>
    new ProblemError(409, "queue-counter-number-taken", {
      ja: "この番号の窓口はすでにあります",
      en: "This office already has a counter with this number",
    }),
  prefixTaken: () =>
    new ProblemError(409, "queue-prefix-taken", {
      ja: "この記号はこの窓口のほかの手続きが使っています",
      en: "Another kind of procedure of this office already uses this letter",
    }),
  counterHasLiveTicket: () =>
    new ProblemError(409, "queue-counter-busy", {
      ja: "この窓口では整理券を呼び出し中のため削除できません。受付を終えてから削除してください",
      en: "A ticket is being called at this counter; finish it before removing the counter",
    }),
  categoryHasLiveTickets: () =>
    new ProblemError(409, "queue-category-busy", {
      ja: "本日この手続きの整理券を待っている人がいるため削除できません",
      en: "People are waiting with tickets of this kind today, so it cannot be removed",
    }),
  unknownCategoryOrCounter: () =>
    new ProblemError(404, "queue-unknown-setting", {
      ja: "その窓口または手続きの種類はありません",
      en: "No such counter or kind of procedure",
    }),
  invalidEmail: () =>
    new ProblemError(422, "queue-invalid-email", {
      ja: "メールアドレスの形式が正しくありません",
      en: "The email address is not valid",
    }),
};

/** The SQLSTATE of a database error, looking through the driver's wrapping. */
export function sqlState(error: unknown): string | null {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
  }
  return null;
}
