// The payment of a case: state, amounts, refunds and the state history from /staff/api/payments, a refund
// form (the server checks the amount against what is still refundable), and, for an application with
// no payment yet, 事後決済: staff set the amount after review and the resident gets a payment link.
import { type CasesView, can, labelled, problemLines, setFieldError, staffApi } from "./cases-dom.ts";
import type { Payment } from "./cases-types.ts";
import { bilingual, both, type Child, formatDate, h, yen } from "./forms-dom.ts";

const paymentStates: Record<string, [string, string]> = {
  created: ["支払い待ち", "Awaiting payment"],
  started: ["支払い手続き中", "Started"],
  submitted: ["確認中", "Submitted"],
  success: ["支払い済み", "Paid"],
  failed: ["失敗", "Failed"],
  cancelled: ["取消", "Cancelled"],
  expired: ["期限切れ", "Expired"],
  error: ["エラー", "Error"],
};

/** What told the city about a change of state. */
const sourceNames: Record<string, [string, string]> = {
  start: ["住民が支払いを開始", "The resident started paying"],
  return: ["決済画面からの戻り", "Return from the payment page"],
  webhook: ["決済事業者からの通知", "Provider notification"],
  poll: ["決済事業者への照会", "Status check with the provider"],
  reconcile: ["突合処理", "Reconciliation"],
  staff: ["職員の操作", "Staff"],
  expiry: ["期限切れ", "Expiry"],
};

const refundStates: Record<string, [string, string]> = {
  submitted: ["返金処理中", "Submitted"],
  success: ["返金済み", "Refunded"],
  error: ["返金できませんでした", "Failed"],
};

function stateText(names: Record<string, [string, string]>, state: string | null): string {
  if (!state) {
    return "—";
  }
  const [ja, en] = names[state] ?? [state, state];
  return both(ja, en);
}

function stateBadge(state: string): HTMLElement {
  const [ja, en] = paymentStates[state] ?? [state, state];
  return h("span", { class: `badge payment-${state}` }, bilingual(ja, en));
}

export type PaymentSubject = {
  /** The subject as the payments module knows it, e.g. forms_application and the application's id. */
  type: string;
  id: string;
  /** Set when 事後決済 can be asked for: a forms application whose fee is yet to be set (or that has none). */
  deferredFor: string | null;
};

/** Called after a refund or a payment request with a line saying what happened; the case redraws. */
export type PaymentChanged = (message: string) => Promise<void>;

/** The payments section of a case. */
export async function paymentPanel(
  view: CasesView,
  subject: PaymentSubject,
  changed: PaymentChanged,
): Promise<HTMLElement> {
  const title = h("h2", { id: "payment-title" }, bilingual("支払い", "Payment"));
  const section = (...children: Child[]) =>
    h("section", { class: "case-section", "aria-labelledby": "payment-title" }, title, ...children);
  const query = new URLSearchParams({ subjectType: subject.type, subjectId: subject.id });
  const result = await staffApi<{ payments: Payment[] }>(view, "GET", `/payments?${query.toString()}`);
  if (!result.ok) {
    return section(h("div", { class: "notice" }, problemLines(result, "支払いを見る権限がありません")));
  }
  const { payments } = result.body;
  return section(
    payments.length === 0
      ? h("p", {}, bilingual("この申請の支払いはありません", "No payment for this case"))
      : null,
    ...payments.map((payment, index) => paymentView(view, payment, index, changed)),
    payments.length === 0 && subject.deferredFor && can(view.me, "forms.application.process")
      ? paymentRequestForm(view, subject.deferredFor, changed)
      : null,
  );
}

function paymentView(view: CasesView, payment: Payment, index: number, changed: PaymentChanged): HTMLElement {
  const id = `payment-${index}`;
  return h(
    "div",
    { class: "payment", id },
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, bilingual("内容", "For")),
      h("dd", {}, bilingual(payment.description.ja, payment.description.en)),
      h("dt", {}, bilingual("状態", "State")),
      h(
        "dd",
        {},
        stateBadge(payment.state),
        payment.failure
          ? h("span", { class: "sub" }, `${payment.failure.message} (${payment.failure.code})`)
          : null,
      ),
      h("dt", {}, bilingual("金額", "Amount")),
      h("dd", {}, yen(payment.amount)),
      h("dt", {}, bilingual("返金済み", "Refunded")),
      h("dd", {}, yen(payment.refundedAmount)),
      h("dt", {}, bilingual("返金できる額", "Refundable")),
      h("dd", {}, yen(payment.refundableAmount)),
      h("dt", {}, bilingual("決済番号", "Payment reference")),
      h("dd", {}, payment.reference),
      h("dt", {}, bilingual("決済事業者", "Provider")),
      h("dd", {}, payment.provider),
      h("dt", {}, bilingual("依頼日時", "Created")),
      h("dd", {}, formatDate(payment.createdAt)),
      h("dt", {}, bilingual("支払日時", "Paid")),
      h("dd", {}, formatDate(payment.succeededAt)),
    ),
    payment.state === "success"
      ? h(
          "p",
          {},
          h(
            "a",
            {
              href: `/staff/api/payments/${encodeURIComponent(payment.id)}/receipt.pdf`,
              class: "button secondary",
            },
            bilingual("領収書（PDF）", "Receipt (PDF)"),
          ),
        )
      : null,
    payment.refunds.length > 0
      ? h(
          "div",
          { class: "table-wrap", role: "region", tabindex: "0", "aria-labelledby": `${id}-refunds` },
          h(
            "table",
            {},
            h("caption", { id: `${id}-refunds` }, bilingual("返金", "Refunds")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...[
                  ["日時", "When"],
                  ["金額", "Amount"],
                  ["状態", "State"],
                  ["理由", "Reason"],
                ].map(([ja, en]) => h("th", { scope: "col" }, bilingual(ja ?? "", en))),
              ),
            ),
            h(
              "tbody",
              {},
              ...payment.refunds.map((r) =>
                h(
                  "tr",
                  {},
                  h("td", {}, formatDate(r.createdAt)),
                  h("td", {}, yen(r.amount)),
                  h("td", {}, stateText(refundStates, r.state)),
                  h(
                    "td",
                    { class: "answer" },
                    r.reason,
                    r.automatic
                      ? h(
                          "span",
                          { class: "sub" },
                          both("二重払いの自動返金", "Duplicate payment, refunded automatically"),
                        )
                      : null,
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
    h(
      "details",
      { class: "transitions" },
      h("summary", {}, bilingual("状態の履歴", "State history")),
      h(
        "ol",
        {},
        ...payment.transitions.map((t) =>
          h(
            "li",
            {},
            h("time", { datetime: t.at }, formatDate(t.at)),
            ` ${stateText(paymentStates, t.from)} → ${stateText(paymentStates, t.to)}`,
            h("span", { class: "sub" }, stateText(sourceNames, t.source)),
          ),
        ),
      ),
    ),
    // payments.payment.refund: department managers (and administrators).
    can(view.me, "payments.payment.refund") && payment.refundableAmount > 0
      ? refundForm(view, payment, id, changed)
      : null,
  );
}

function refundForm(view: CasesView, payment: Payment, id: string, changed: PaymentChanged): HTMLElement {
  const alert = h("div", { class: "alert", role: "alert" });
  const amount = h("input", {
    type: "number",
    name: "amount",
    inputmode: "numeric",
    min: "1",
    max: String(payment.refundableAmount),
    step: "1",
    value: String(payment.refundableAmount),
  }) as HTMLInputElement;
  const reason = h("textarea", { name: "reason", rows: "2", maxlength: "500" }) as HTMLTextAreaElement;
  const form = h(
    "form",
    { class: "case-form", "aria-labelledby": `${id}-refund-title`, novalidate: true },
    h("h3", { id: `${id}-refund-title` }, bilingual("返金する", "Refund")),
    alert,
    labelled(`${id}-refund-amount`, ["返金額（円）", "Amount in yen"], amount, {
      required: true,
      hint: [`返金できる額は${yen(payment.refundableAmount)}です（一部返金もできます）`, "Full or partial"],
    }),
    labelled(`${id}-refund-reason`, ["返金の理由", "Reason"], reason, { required: true }),
    h("button", { type: "submit", class: "button secondary" }, bilingual("返金する", "Refund")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = Number(amount.value);
    const valid = Number.isInteger(value) && value >= 1 && value <= payment.refundableAmount;
    setFieldError(
      amount,
      valid
        ? null
        : both(
            `1円から${payment.refundableAmount.toLocaleString("ja-JP")}円までの整数で入力してください`,
            `Enter whole yen from 1 to ${payment.refundableAmount}`,
          ),
    );
    setFieldError(
      reason,
      reason.value.trim() ? null : both("返金の理由を入力してください", "Enter the reason"),
    );
    const invalid = form.querySelector<HTMLElement>("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
      return;
    }
    void (async () => {
      alert.replaceChildren();
      const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
      submit.disabled = true;
      const result = await staffApi(view, "POST", `/payments/${encodeURIComponent(payment.id)}/refunds`, {
        amount: value,
        // The amount the member saw: a refund made meanwhile by someone else makes the server refuse.
        expectedRefundable: payment.refundableAmount,
        reason: reason.value.trim(),
      });
      submit.disabled = false;
      if (!result.ok) {
        alert.replaceChildren(problemLines(result, "返金の権限がありません"));
        return;
      }
      await changed(both(`${yen(value)}を返金しました`, "Refund requested"));
    })();
  });
  return form;
}

/** 事後決済: the amount decided after review; the resident is sent a link to pay it. */
function paymentRequestForm(view: CasesView, applicationId: string, changed: PaymentChanged): HTMLElement {
  const alert = h("div", { class: "alert", role: "alert" });
  const amount = h("input", {
    type: "number",
    name: "amount",
    inputmode: "numeric",
    min: "1",
    step: "1",
  }) as HTMLInputElement;
  const form = h(
    "form",
    { class: "case-form", "aria-labelledby": "payment-request-title", novalidate: true },
    h("h3", { id: "payment-request-title" }, bilingual("事後決済", "Payment after review")),
    h(
      "p",
      { class: "hint" },
      bilingual(
        "審査のあとで金額を確定すると、住民に支払いのリンクが送られます。",
        "Set the amount after review; the resident is sent a link to pay.",
      ),
    ),
    alert,
    labelled("payment-request-amount", ["金額（円）", "Amount in yen"], amount, { required: true }),
    h(
      "button",
      { type: "submit", class: "button secondary", id: "payment-request" },
      bilingual("金額を確定して支払いを依頼", "Set the amount and ask for payment"),
    ),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = Number(amount.value);
    const valid = amount.value !== "" && Number.isInteger(value) && value >= 1;
    setFieldError(
      amount,
      valid ? null : both("1円以上の整数で入力してください", "Enter whole yen, 1 or more"),
    );
    if (!valid) {
      amount.focus();
      return;
    }
    void (async () => {
      alert.replaceChildren();
      const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
      submit.disabled = true;
      const result = await staffApi(
        view,
        "POST",
        `/forms/applications/${encodeURIComponent(applicationId)}/payment-request`,
        { amount: value },
      );
      submit.disabled = false;
      if (!result.ok) {
        alert.replaceChildren(problemLines(result, "支払いを依頼する権限がありません"));
        return;
      }
      await changed(both(`${yen(value)}の支払いを依頼しました`, "Payment requested"));
    })();
  });
  return form;
}
