// 実績と処理期限: per service, how many cases came by which channel, how long processing took, how many
// were returned and how satisfied residents were; and each service's processing deadline (SLA) in
// business days (開庁日: weekends, national holidays and 12/29–1/3 do not count).
import {
  type CasesView,
  can,
  casesTabs,
  channelNames,
  channels,
  labelled,
  problemLines,
  setFieldError,
  staffApi,
} from "./cases-dom.ts";
import type { ServiceMetrics, SlaSetting } from "./cases-types.ts";
import { bilingual, both, h, replace } from "./forms-dom.ts";

function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toLocaleString("ja-JP")}%`;
}

/** Hours, and days as well once it is more than a day: deadlines are thought of in days. */
function duration(hours: number): string {
  const rounded = Math.round(hours * 10) / 10;
  return hours >= 24
    ? `${rounded.toLocaleString("ja-JP")}時間（${(Math.round((hours / 24) * 10) / 10).toLocaleString("ja-JP")}日）`
    : `${rounded.toLocaleString("ja-JP")}時間`;
}

function metricsTable(services: ServiceMetrics[]): HTMLElement {
  const headings: [string, string][] = [
    ["件数", "Cases"],
    ["オンライン率", "Online share"],
    ["経路別", "By channel"],
    ["処理時間 中央値", "Processing time, median"],
    ["処理時間 90パーセンタイル", "Processing time, 90th percentile"],
    ["差し戻し", "Returned"],
    ["満足度 平均（件数）", "Satisfaction, average (count)"],
  ];
  return h(
    "div",
    { class: "table-wrap", role: "region", tabindex: "0", "aria-labelledby": "metrics-caption" },
    h(
      "table",
      { class: "metrics-table" },
      h("caption", { id: "metrics-caption" }, bilingual("手続きごとの実績", "By service")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, bilingual("手続き", "Service")),
          ...headings.map(([ja, en]) => h("th", { scope: "col" }, bilingual(ja, en))),
        ),
      ),
      h(
        "tbody",
        {},
        ...services.map((s) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, bilingual(s.title.ja, s.title.en)),
            h("td", { class: "number" }, `${s.total.toLocaleString("ja-JP")}件`),
            h("td", { class: "number" }, percent(s.onlineShare)),
            h(
              "td",
              {},
              h(
                "ul",
                { class: "by-channel" },
                ...channels
                  .filter((c) => (s.byChannel[c] ?? 0) > 0)
                  .map((c) =>
                    h("li", {}, `${channelNames[c][0]} ${(s.byChannel[c] ?? 0).toLocaleString("ja-JP")}件`),
                  ),
              ),
            ),
            h("td", { class: "number" }, s.processingHours ? duration(s.processingHours.median) : "—"),
            h("td", { class: "number" }, s.processingHours ? duration(s.processingHours.p90) : "—"),
            h("td", { class: "number" }, `${s.returned.toLocaleString("ja-JP")}件`),
            h(
              "td",
              { class: "number" },
              s.satisfaction.average === null
                ? `—（${s.satisfaction.count}件）`
                : `${s.satisfaction.average.toFixed(1)} / 5（${s.satisfaction.count.toLocaleString("ja-JP")}件）`,
            ),
          ),
        ),
      ),
    ),
  );
}

function settingsSection(view: CasesView, settings: SlaSetting[]): HTMLElement {
  const editable = can(view.me, "cases.settings.manage");
  const rows = settings.map((s, index) => {
    const id = `sla-${index}`;
    if (!editable) {
      return h(
        "tr",
        {},
        h("th", { scope: "row" }, bilingual(s.title.ja, s.title.en)),
        h("td", {}, s.slaBusinessDays === null ? both("設定なし", "None") : `${s.slaBusinessDays}開庁日`),
      );
    }
    const input = h("input", {
      type: "number",
      inputmode: "numeric",
      min: "1",
      max: "365",
      step: "1",
      value: s.slaBusinessDays === null ? "" : String(s.slaBusinessDays),
      class: "sla-days",
    }) as HTMLInputElement;
    const status = h("p", { class: "status", role: "status", id: `${id}-status` });
    const save = h(
      "button",
      { type: "submit", class: "button secondary" },
      bilingual("保存", "Save"),
      h("span", { class: "visually-hidden" }, `（${s.title.ja}）`),
    );
    const form = h(
      "form",
      { class: "sla-form", novalidate: true },
      labelled(id, [`${s.title.ja}の処理期限（開庁日）`, "Business days; empty for none"], input),
      save,
      status,
    ) as HTMLFormElement;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const raw = input.value.trim();
      const days = raw === "" ? null : Number(raw);
      const valid = days === null || (Number.isInteger(days) && days >= 1 && days <= 365);
      setFieldError(
        input,
        valid ? null : both("1から365までの整数で入力してください", "Whole days, 1 to 365"),
      );
      if (!valid) {
        input.focus();
        return;
      }
      void (async () => {
        status.textContent = both("保存しています…", "Saving…");
        const result = await staffApi(view, "PUT", `/cases/settings/${encodeURIComponent(s.serviceKey)}`, {
          slaBusinessDays: days,
        });
        if (!result.ok) {
          status.textContent = "";
          setFieldError(
            input,
            `${result.problem.title_ja ?? "保存できませんでした"} (${result.problem.title ?? "Not saved"})`,
          );
          input.focus();
          return;
        }
        status.textContent =
          days === null
            ? both("処理期限をなしにしました", "Deadline removed")
            : both(`処理期限を${days}開庁日にしました`, `Deadline set to ${days} business days`);
      })();
    });
    return h("tr", {}, h("th", { scope: "row" }, bilingual(s.title.ja, s.title.en)), h("td", {}, form));
  });
  return h(
    "section",
    { class: "case-section", "aria-labelledby": "sla-title" },
    h("h2", { id: "sla-title" }, bilingual("処理期限（SLA）", "Processing deadlines")),
    h(
      "p",
      { class: "hint" },
      bilingual(
        "受付から完了までの目安を開庁日で設定します。土日・祝日・年末年始（12月29日〜1月3日）は数えません。空欄にすると期限なしです。",
        "Business days from receipt to completion; weekends, holidays and 12/29–1/3 do not count. Empty: no deadline.",
      ),
    ),
    settings.length === 0
      ? h("p", {}, bilingual("手続きはまだありません", "No services yet"))
      : h(
          "div",
          { class: "table-wrap", role: "region", tabindex: "0", "aria-labelledby": "sla-caption" },
          h(
            "table",
            {},
            h("caption", { id: "sla-caption" }, bilingual("手続きごとの処理期限", "Deadline by service")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, bilingual("手続き", "Service")),
                h("th", { scope: "col" }, bilingual("処理期限", "Deadline")),
              ),
            ),
            h("tbody", {}, ...rows),
          ),
        ),
  );
}

export async function renderMetrics(view: CasesView): Promise<void> {
  document.title = "実績と処理期限 | 申請処理 | 職員用画面 | てのひら市役所";
  const search = new URLSearchParams(location.search);
  const period = new URLSearchParams();
  for (const name of ["from", "to"]) {
    const value = search.get(name);
    if (value) {
      period.set(name, value);
    }
  }
  const [metrics, settings] = await Promise.all([
    staffApi<{ services: ServiceMetrics[] }>(view, "GET", `/cases/metrics?${period.toString()}`),
    staffApi<{ services: SlaSetting[] }>(view, "GET", "/cases/settings"),
  ]);
  const from = h("input", { type: "date", name: "from", value: period.get("from") ?? "" });
  const to = h("input", { type: "date", name: "to", value: period.get("to") ?? "" });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "集計期間 (Period)", novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      labelled("metrics-from", ["受付日（から）", "Received from"], from),
      labelled("metrics-to", ["受付日（まで）", "Received until"], to),
    ),
    h("button", { type: "submit", class: "button", id: "metrics-apply" }, bilingual("集計する", "Apply")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (String(value)) {
        next.set(name, String(value));
      }
    }
    const query = next.toString();
    view.navigate(query ? `/staff/cases/metrics?${query}` : "/staff/cases/metrics");
  });
  replace(
    view.main,
    h("h1", { tabindex: "-1" }, bilingual("実績と処理期限", "Metrics and deadlines")),
    casesTabs("metrics", view.navigate),
    form,
    !metrics.ok
      ? h("div", { class: "notice" }, problemLines(metrics, "実績を見る権限がありません"))
      : metrics.body.services.length === 0
        ? h("p", { class: "notice" }, bilingual("この期間の申請はありません", "No cases in this period"))
        : metricsTable(metrics.body.services),
    h(
      "p",
      { class: "hint" },
      bilingual(
        "オンライン率はウェブとLINEで受け付けた割合です。処理時間は完了した申請の、受付から完了までの時間です。",
        "Online share: web and LINE. Processing time: completed cases, from receipt to completion.",
      ),
    ),
    settings.ok
      ? settingsSection(view, settings.body.services)
      : h("div", { class: "notice" }, problemLines(settings, "処理期限の設定を見る権限がありません")),
  );
}
