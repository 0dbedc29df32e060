import { readFile } from "node:fs/promises";
import type { ModuleCommand } from "../../core/module.ts";
import { replayDraw } from "./published-draw.ts";

/**
 * `npm run tenohira -- lottery verify <draw.json> [promotions.json]`: re-runs a published draw from the file
 * alone, and checks the round's 繰り上げ当選 against it when given its promotions log.
 */
export const verifyDrawCommand: ModuleCommand = {
  name: "verify",
  usage: "<draw.json> [promotions.json]",
  description: "Re-run a published lottery draw and check its seed, log, winners and promotions",
  async run(args, { log }) {
    const [file, promotionsFile] = args;
    if (!file) {
      log("usage: npm run tenohira -- lottery verify <draw.json> [promotions.json]");
      return 2;
    }
    const files: unknown[] = [];
    for (const name of promotionsFile ? [file, promotionsFile] : [file]) {
      try {
        files.push(JSON.parse(await readFile(name, "utf8")));
      } catch (error) {
        log(`cannot read ${name} as JSON: ${(error as Error).message}`);
        return 2;
      }
    }
    const outcome = replayDraw(files[0], files[1]);
    if (!outcome.ok) {
      for (const problem of outcome.problems) {
        log(`FAILED: ${problem}`);
      }
      return 1;
    }
    log(
      `OK: the seed matches its published hash and the draw gives the same ${outcome.winners.length} winner(s)`,
    );
    for (const win of outcome.winners) {
      log(`  ${win.slot} ← ${win.entry} (choice ${win.rank})`);
    }
    if (promotionsFile) {
      log("OK: every promotion followed the draw's order");
    }
    return 0;
  },
};
