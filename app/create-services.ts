import { join } from "node:path";
import type { Config } from "../core/config/config.ts";
import { type Database, openDatabase } from "../core/db/database.ts";
import { createMailer } from "../core/notifications/mailer.ts";
import { createLogger } from "../core/observability/logger.ts";
import type { Services } from "../core/services.ts";
import { createLocalFileStore, createS3FileStore } from "../core/storage/file-store.ts";
import { virusScannerFromConfig } from "../core/storage/virus-scan.ts";

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ driver: "postgres", url: config.databaseUrl })
    : openDatabase({ driver: "pglite", dataDir: join(config.dataDir, "pglite") });
}

/** Builds every process-wide service from validated config. */
export function createServices(config: Config, database: Database): Services {
  const storage =
    config.storage === "s3"
      ? createS3FileStore({
          bucket: config.s3Bucket!,
          region: config.s3Region,
          forcePathStyle: config.s3ForcePathStyle,
          ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
          ...(config.s3AccessKeyId && config.s3SecretAccessKey
            ? {
                credentials: { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey },
              }
            : {}),
        })
      : createLocalFileStore({ root: config.storageDir ?? join(config.dataDir, "files") });
  return {
    config,
    database,
    logger: createLogger({ level: config.logLevel }),
    storage,
    mailer: createMailer({
      from: config.mailFrom,
      outboxDir: join(config.dataDir, "mail"),
      ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
    }),
    virusScanner: virusScannerFromConfig(config),
  };
}
