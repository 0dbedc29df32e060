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
  },
  en: {
    "catalog.list.title": "All procedures",
    "catalog.detail.channels": "How to apply",
    "catalog.detail.back": "Back to all procedures",
    "catalog.channel.online": "Online (phone or computer)",
    "catalog.channel.counter": "At a city hall counter",
    "catalog.channel.post": "By post",
    "catalog.channel.convenience_store": "At a convenience store",
  },
};
