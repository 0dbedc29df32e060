import type { Logger } from "pino";
import type { Config } from "./config/config.ts";
import type { Database } from "./db/database.ts";
import type { Mailer } from "./notifications/mailer.ts";
import type { FileStore } from "./storage/file-store.ts";
import type { VirusScanner } from "./storage/virus-scan.ts";

/** The process-wide services every route, operation and job may use. Built once at start. */
export type Services = {
  config: Config;
  database: Database;
  logger: Logger;
  storage: FileStore;
  mailer: Mailer;
  /** clamd when configured; null means uploads are not virus-scanned (development, tests without clamd). */
  virusScanner: VirusScanner | null;
};
