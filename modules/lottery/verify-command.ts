import { readFile } from "node:fs/promises";
import type { ModuleCommand } from "../../core/module.ts";
import { replayDraw } from "./published-draw.ts";

/** `npm run tenohira -- lottery verify <draw.json>`: re-runs a published draw from the file alone. */
export const verifyDrawCommand: ModuleCommand = {
  name: "verify",
  usage: "<draw.json>",
  description: "Re-run a published lottery draw and check its seed, log and winners",
  async run(args, { log }) {
    const [file] = args;
    if (!file) {
      log("usage: npm run tenohira -- lottery verify <draw.json>");
      return 2;
    }
    let published: unknown;
    try {
      published = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      log(`cannot read ${file} as JSON: ${(error as Error).message}`);
      return 2;
    }
    const outcome = replayDraw(published);
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
    return 0;
  },
};
