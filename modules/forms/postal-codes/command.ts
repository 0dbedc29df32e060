import { readFile } from "node:fs/promises";
import type { ModuleCommand } from "../../../core/module.ts";
import { importPostalCodes, parseKenAll } from "./import-postal-codes.ts";

/** `npm run tenohira -- forms import-postal-codes KEN_ALL.CSV`: loads Japan Post's national file. */
export const importPostalCodesCommand: ModuleCommand = {
  name: "import-postal-codes",
  usage: "<KEN_ALL.CSV>",
  description: "load Japan Post's postal codes for address fill",
  async run([file], { db, log }) {
    if (!file) {
      log("Give the path of KEN_ALL.CSV (Shift_JIS) or utf_ken_all.csv from Japan Post.");
      return 2;
    }
    const rows = parseKenAll(new Uint8Array(await readFile(file)));
    if (rows.length === 0) {
      log(`${file} has no postal code rows in the KEN_ALL format.`);
      return 1;
    }
    log(`Imported ${await importPostalCodes({ db, rows })} postal codes.`);
    return 0;
  },
};
