import { html } from "hono/html";
import type { Language, Translator } from "../i18n/i18n.ts";
import type { Tenant } from "../tenancy/schema.ts";
import { type Html, page } from "./layout.ts";
import { ProblemError, problemBody } from "./problem.ts";

/** What a queued visitor is told, in the page and in the 429 problem. */
export type WaitingView = {
  position: number;
  waitSeconds: number;
  /** Seconds until the page refreshes itself (also the Retry-After header). */
  retryAfter: number;
  returnPath: string;
  lang: Language;
};

/**
 * The room's own words, kept here rather than in the message catalogs: the waiting room answers before
 * the request context (and so c.var.t) exists, and must not depend on any module being installed.
 */
const words = {
  ja: {
    title: "順番待ち",
    heading: "ただいま大変混み合っています",
    lead: "アクセスが集中しているため、来た順にご案内しています。このページは自動で更新され、順番が来るとお求めのページが表示されます。",
    position: "あなたの順番",
    positionValue: (n: number) => `${n}番目`,
    wait: "待ち時間の目安",
    waitValue: (minutes: number) => (minutes < 1 ? "1分未満" : `約${minutes}分`),
    refresh: (seconds: number) => `${seconds}秒ごとに自動で更新します。`,
    keep: "このページを開いたままお待ちください。別の端末やブラウザで開き直すと、新しい番号になります。",
    checkNow: "今すぐ確認する",
    problem: "混み合っているため順番待ちです。Retry-After 秒後にもう一度送ってください。",
  },
  en: {
    title: "Waiting room",
    heading: "We are very busy right now",
    lead: "Many people are visiting at once, so we let them in in the order they came. This page refreshes by itself and shows the page you asked for when it is your turn.",
    position: "Your place in line",
    positionValue: (n: number) => `No. ${n}`,
    wait: "Estimated wait",
    waitValue: (minutes: number) => (minutes < 1 ? "Less than a minute" : `About ${minutes} min`),
    refresh: (seconds: number) => `This page refreshes every ${seconds} seconds.`,
    keep: "Please keep this page open. Opening it on another device or browser gives you a new number.",
    checkNow: "Check now",
    problem: "You are in the waiting room. Send the request again after Retry-After seconds.",
  },
} as const;

export function waitingRoomPage(view: WaitingView & { tenant: Tenant; t: Translator }): Html {
  const w = words[view.lang];
  const minutes = view.waitSeconds < 60 ? 0 : Math.round(view.waitSeconds / 60);
  return page({
    title: w.title,
    lang: view.lang,
    tenant: view.tenant,
    t: view.t,
    path: view.returnPath,
    body: html`<h1>${w.heading}</h1>
<p class="lead">${w.lead}</p>
<dl class="summary">
<div><dt>${w.position}</dt><dd>${w.positionValue(view.position)}</dd></div>
<div><dt>${w.wait}</dt><dd>${w.waitValue(minutes)}</dd></div>
</dl>
<p>${w.refresh(view.retryAfter)}</p>
<p>${w.keep}</p>
<p><a class="button" href="${view.returnPath}">${w.checkNow}</a></p>`,
  });
}

/** The 429 for API clients: problem+json with the position and wait as extension members. */
export function waitingRoomProblem(view: WaitingView, instance: string, requestId: string) {
  const problem = new ProblemError(
    429,
    "waiting-room",
    { ja: words.ja.heading, en: words.en.heading },
    { detail: words.en.problem },
  );
  return {
    ...problemBody(problem, instance, requestId),
    detail_ja: words.ja.problem,
    position: view.position,
    estimated_wait_seconds: Math.ceil(view.waitSeconds),
    retry_after_seconds: view.retryAfter,
  };
}
