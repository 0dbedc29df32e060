import type { Catalogs } from "../../core/i18n/i18n.ts";

export const reportMessages: Catalogs = { ja: {}, en: {} };
