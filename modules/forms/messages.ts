import type { Catalogs } from "../../core/i18n/i18n.ts";

export const formsMessages: Catalogs = {
  ja: {
    "forms.nav": "電子申請",
  },
  en: {
    "forms.nav": "Online applications",
  },
};
