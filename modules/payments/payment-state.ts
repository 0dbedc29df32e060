/**
 * A payment's state, after GOV.UK Pay's public states (capturable is left out: the city always captures
 * at once). `finished` means the current attempt at the provider is over; it does not mean nothing can
 * change any more: see `decideTransition`.
 */
export const paymentStates = [
  "created",
  "started",
  "submitted",
  "success",
  "failed",
  "cancelled",
  "expired",
  "error",
] as const;
export type PaymentState = (typeof paymentStates)[number];

/**
 * What told us about a change: the resident pressing pay (start), the provider through the resident's
 * return, a webhook, a poll, or the reconciliation job; the city cancelling a request (staff); the clock
 * (expiry).
 */
export const transitionSources = [
  "start",
  "return",
  "webhook",
  "poll",
  "reconcile",
  "staff",
  "expiry",
] as const;
export type TransitionSource = (typeof transitionSources)[number];

/** Sources that report what the provider says; only they may declare money taken. */
export const providerSources: readonly TransitionSource[] = ["return", "webhook", "poll", "reconcile"];

const finishedStates: ReadonlySet<PaymentState> = new Set([
  "success",
  "failed",
  "cancelled",
  "expired",
  "error",
]);

export function isFinished(state: PaymentState): boolean {
  return finishedStates.has(state);
}

/** Attempts that ended without taking money, which the resident may try again. */
const reopenable: ReadonlySet<PaymentState> = new Set(["failed", "expired", "error"]);

/** How far a payment has got: a report of an earlier step is out of date, never a step back. */
const progress: Record<PaymentState, number> = {
  created: 0,
  started: 1,
  submitted: 2,
  success: 3,
  failed: 3,
  cancelled: 3,
  expired: 3,
  error: 3,
};

export type Refusal = {
  kind: "unchanged" | "stale" | "not_allowed";
  reason: { ja: string; en: string };
};
export type TransitionDecision = { ok: true } | { ok: false; refusal: Refusal };

const refuse = (kind: Refusal["kind"], ja: string, en: string): TransitionDecision => ({
  ok: false,
  refusal: { kind, reason: { ja, en } },
});

/**
 * Whether a payment in `from` may move to `to` on the word of `source`. The rules, in order:
 *
 * - Nothing moves a payment out of success: a failure reported after success is out of date, and money
 *   given back is a refund, not a state.
 * - Only the provider (return, webhook, poll, reconcile) may declare success, and it may do so from any
 *   other state, finished ones included: a late success after a failure, cancellation or expiry means the
 *   money was taken ("corrected to match the gateway"), and the payment is paid.
 * - While the attempt is open, the provider may report any later step; a report of an earlier step
 *   (started after submitted, created after started) is out of date and changes nothing. Out-of-order
 *   reports are normal: success may arrive before started.
 * - A failed, expired or errored attempt only reopens when the resident starts a new attempt
 *   (start → started); the provider cannot move a finished attempt sideways. As at GOV.UK Pay, a resident
 *   who cancels at the provider has a failed payment; cancelled means the city withdrew the request, and
 *   the resident cannot restart it.
 * - The clock (expiry) only ends attempts that never reached the card check (created, started); the city
 *   (staff) only cancels requests nobody is paying at that moment (created, or an attempt that ended).
 */
export function decideTransition(
  from: PaymentState,
  to: PaymentState,
  source: TransitionSource,
): TransitionDecision {
  if (from === to) {
    return refuse("unchanged", "すでにこの状態です", "Already in this state");
  }
  if (from === "success") {
    return refuse(
      "stale",
      "支払い済みの決済は変わりません（返金は別に記録します）",
      "A successful payment never changes state (refunds are recorded separately)",
    );
  }
  const fromProvider = providerSources.includes(source);
  if (to === "success") {
    return fromProvider
      ? { ok: true }
      : refuse(
          "not_allowed",
          "支払い完了は決済事業者だけが伝えられます",
          "Only the provider can report success",
        );
  }
  switch (source) {
    case "start":
      return to === "started" && (from === "created" || reopenable.has(from))
        ? { ok: true }
        : refuse(
            "not_allowed",
            "この状態からは支払いを始められません",
            "A payment cannot be started from here",
          );
    case "expiry":
      return to === "expired" && (from === "created" || from === "started")
        ? { ok: true }
        : refuse("not_allowed", "この状態の決済は期限切れにできません", "Only open attempts expire");
    case "staff":
      return to === "cancelled" && (from === "created" || reopenable.has(from))
        ? { ok: true }
        : refuse(
            "not_allowed",
            "支払い手続き中の決済は取り消せません",
            "A payment being paid at the provider cannot be cancelled",
          );
    default:
      break;
  }
  if (isFinished(from)) {
    return refuse(
      "stale",
      "終了した支払いの続報は、支払い完了のほかは反映しません",
      "After an attempt has ended, only a late success is applied",
    );
  }
  if (to === "created") {
    return refuse("stale", "古い状態の通知です", "The report is older than the payment's state");
  }
  if (progress[to] <= progress[from]) {
    return refuse("stale", "古い状態の通知です", "The report is older than the payment's state");
  }
  return { ok: true };
}

/** Resident-facing label of each state. */
export const paymentStateLabels: Record<PaymentState, { ja: string; en: string }> = {
  created: { ja: "未払い", en: "Not paid" },
  started: { ja: "お支払い手続き中", en: "Payment in progress" },
  submitted: { ja: "お支払いを確認中", en: "Checking your payment" },
  success: { ja: "支払い済み", en: "Paid" },
  failed: { ja: "お支払いできませんでした", en: "Payment failed" },
  cancelled: { ja: "取り消されました", en: "Cancelled" },
  expired: { ja: "お支払いの期限が切れました", en: "Payment timed out" },
  error: { ja: "エラーのため完了しませんでした", en: "Not completed because of an error" },
};
