import type { Catalogs } from "../../core/i18n/i18n.ts";

export const catalogMessages: Catalogs = {
  ja: {
    "catalog.list.title": "手続き一覧",
    "catalog.detail.channels": "手続きの方法",
    "catalog.detail.back": "手続き一覧へ戻る",
    "catalog.channel.online": "オンライン（スマートフォン・パソコン）",
    "catalog.channel.counter": "市役所の窓口",
    "catalog.channel.post": "郵送",
    "catalog.channel.convenience_store": "コンビニエンスストア",
    "catalog.detail.start": "オンラインで申請する",
    "catalog.level.none": "ログインして申請できます。",
    "catalog.level.email": "メールアドレスでログインして申請できます。",
    "catalog.level.line": "LINEと連携したアカウントで申請できます。",
    "catalog.level.card":
      "マイナンバーカードによる本人確認が必要です（スマートフォンの「デジタル認証アプリ」を使います）。",
    "catalog.start.ready": "申請の準備ができました（{level}）。",
    "catalog.start.prefill": "申請書に入力される内容（マイナンバーカードで確認済み）",
    "catalog.start.next": "この手続きの申請フォームは、市が公開するとこのページから始められます。",
    "catalog.start.back": "手続きの説明へ戻る",
  },
  en: {
    "catalog.list.title": "All procedures",
    "catalog.detail.channels": "How to apply",
    "catalog.detail.back": "Back to all procedures",
    "catalog.channel.online": "Online (phone or computer)",
    "catalog.channel.counter": "At a city hall counter",
    "catalog.channel.post": "By post",
    "catalog.channel.convenience_store": "At a convenience store",
    "catalog.detail.start": "Apply online",
    "catalog.level.none": "Sign in to apply.",
    "catalog.level.email": "Sign in with your email address to apply.",
    "catalog.level.line": "Apply with an account linked to LINE.",
    "catalog.level.card":
      "Your identity must be confirmed with your My Number card (with the Digital Authentication App on your phone).",
    "catalog.start.ready": "You are ready to apply ({level}).",
    "catalog.start.prefill": "What your application will be filled with (confirmed with your My Number card)",
    "catalog.start.next":
      "The application form of this procedure starts from this page once the city publishes it.",
    "catalog.start.back": "Back to the procedure",
  },
};
