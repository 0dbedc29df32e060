import type { Catalogs } from "./i18n.ts";

/** Strings the core's own pages use. Modules bring their own catalogs in their manifests. */
export const coreMessages: Catalogs = {
  ja: {
    "site.skipToContent": "本文へ移動",
    "site.language": "言語",
    "site.menu": "メニュー",
    "site.myPage": "マイページ",
    "site.signIn": "ログイン",
    "site.languageSwitch": "English",
    "site.footer.accessibility": "ウェブアクセシビリティ方針",
    "site.footer.poweredBy": "てのひら市役所（オープンソース）で運営しています",
    "site.staffConsole": "職員用画面",
    "error.notFound.title": "ページが見つかりません",
    "error.notFound.body": "お探しのページは移動または削除された可能性があります。",
    "error.server.title": "ただいま処理できません",
    "error.server.body":
      "申し訳ありません。時間をおいてもう一度お試しください。問い合わせの際は次の番号をお伝えください：{requestId}",
    "error.backHome": "トップページへ戻る",
    "home.title": "{city} てのひら市役所",
    "home.lead": "市役所に行かなくても、書かなくても、待たなくても。手続きや情報をスマートフォンから。",
    "home.services": "手続き・サービス",
    "home.noServices": "現在ご利用いただける手続きはありません。",
  },
  en: {
    "site.skipToContent": "Skip to main content",
    "site.language": "Language",
    "site.menu": "Menu",
    "site.myPage": "My page",
    "site.signIn": "Sign in",
    "site.languageSwitch": "日本語",
    "site.footer.accessibility": "Web accessibility policy",
    "site.footer.poweredBy": "Runs on tenohira, open source",
    "site.staffConsole": "Staff console",
    "error.notFound.title": "Page not found",
    "error.notFound.body": "The page you are looking for may have moved or been removed.",
    "error.server.title": "Something went wrong",
    "error.server.body": "Sorry, please try again later. If you contact us, quote this number: {requestId}",
    "error.backHome": "Back to the home page",
    "home.title": "{city} — City Hall in Your Palm",
    "home.lead":
      "No trip to city hall, no paperwork, no waiting: procedures and information from your phone.",
    "home.services": "Procedures and services",
    "home.noServices": "No procedures are available at the moment.",
  },
};
