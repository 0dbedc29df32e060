import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { Db } from "./db/database.ts";
import type { EventSubscriber } from "./events/define-subscriber.ts";
import type { AppEnv } from "./http/app-env.ts";
import type { ErrorFormat } from "./http/errors.ts";
import type { Catalogs } from "./i18n/i18n.ts";
import type { StaffRole } from "./identity/schema.ts";
import type { JobDefinition } from "./jobs/define-job.ts";
import type { Tenant } from "./tenancy/schema.ts";

/** A permission verb a module's staff routes check, and the roles granted it by default. */
export type PermissionDefinition = {
  verb: string;
  roles: readonly StaffRole[];
  /**
   * "tenant" (default): the whole city. "department": only resources of the member's department and the
   * departments below it. Operators reach only the services granted to them, whatever the scope.
   */
  scope?: "tenant" | "department";
  description: { ja: string; en: string };
};

export type SeedContext = {
  tx: Db;
  tenant: Tenant;
  /** Department ids of the demo city by code (e.g. "shimin-ka"), so modules can route work to them. */
  departmentIds: Readonly<Record<string, string>>;
};

/** A number the module reports per tenant, exposed at /metrics as tenohira_module_<module>_<name>. */
export type ModuleMetric = {
  name: string;
  help: string;
  collect(db: Db): Promise<{ tenantId: string; value: number }[]>;
};

export type OpenDataValue = string | number | boolean | null;

/** A dataset the module publishes at /opendata/<module>/<id>.{json,csv} (Decidim's include_in_open_data). */
export type OpenDataExport = {
  id: string;
  title: { ja: string; en: string };
  license: string;
  columns: readonly string[];
  rows(db: Db, tenantId: string): Promise<Record<string, OpenDataValue>[]>;
};

/** Something of the resident's, listed on "My page" (マイページ): an application, a booking, a report... */
export type ResidentRecord = {
  kind: "application" | "booking" | "report" | "payment" | "notice";
  id: string;
  title: { ja: string; en: string };
  /** The resident-facing status label. */
  status: { ja: string; en: string };
  href: string | null;
  updatedAt: Date;
};

export type ResidentRecordsQuery = { db: Db; tenantId: string; residentId: string };

/**
 * An event a module lets a city's systems (基幹系) subscribe to by outbound webhook. `payload` turns the
 * domain event's small payload (ids) into what the receiver needs without calling back, e.g. an
 * application's answers; without it the event's own payload is sent.
 */
export type WebhookEventDefinition = {
  name: string;
  description: { ja: string; en: string };
  payload?(db: Db, tenantId: string, eventPayload: Record<string, unknown>): Promise<Record<string, unknown>>;
};

/** A link on the resident home page. */
export type ResidentEntry = { href: string; label: { ja: string; en: string } };

/**
 * A server-rendered staff page the console links to (e.g. the counter's day view), shown to members whose
 * role grants `verb`; the page itself still checks the verb and the member's department.
 */
export type StaffPageLink = { href: string; label: { ja: string; en: string }; verb: string };

/**
 * Everything a module adds to the platform, in one typed value. The app reads manifests; the core never
 * imports a module.
 */
export type ModuleManifest = {
  /** Lowercase id; prefixes the module's tables, jobs, events, permission verbs and URLs. */
  id: string;
  name: { ja: string; en: string };
  /** Folder of NNNN_name.sql migrations owned by the module. */
  migrations?: URL;
  /** Server-rendered resident pages, mounted at /. */
  pages?: Hono<AppEnv>;
  /** Resident JSON API, mounted at /api/<id> and included in the OpenAPI document. */
  api?: OpenAPIHono<AppEnv>;
  /** Staff JSON API, mounted at /staff/api/<id>; every route checks a permission verb. */
  staffApi?: OpenAPIHono<AppEnv>;
  permissions?: readonly PermissionDefinition[];
  jobs?: readonly JobDefinition<unknown>[];
  subscribers?: readonly EventSubscriber[];
  /** Fills the demo city. Runs once, in the seeding transaction. */
  seed?(context: SeedContext): Promise<void>;
  metrics?: readonly ModuleMetric[];
  openData?: readonly OpenDataExport[];
  messages?: Catalogs;
  residentEntries?(db: Db, tenantId: string): Promise<ResidentEntry[]>;
  /**
   * Paths that carry a secret (capability URLs such as a calendar feed): the first capture group is the
   * secret, masked in the access log.
   */
  secretPaths?: readonly RegExp[];
  /** Staff pages the module serves itself, linked from the console's menu. */
  staffPages?: readonly StaffPageLink[];
  /** The resident's own records this module holds, for My page and the data export. */
  residentRecords?(query: ResidentRecordsQuery): Promise<ResidentRecord[]>;
  /** Events a city's systems may receive by signed webhook (core/webhooks). */
  webhookEvents?: readonly WebhookEventDefinition[];
  /** Command-line tasks: `npm run tenohira -- <module id> <command> [args]`. */
  commands?: readonly ModuleCommand[];
  /** APIs that answer refusals in a standard's own error document rather than problem+json. */
  errorFormats?: readonly ErrorFormat[];
};

/** A maintenance task an operator runs from the command line, such as loading a national data set. */
export type ModuleCommand = {
  name: string;
  /** The arguments, e.g. "<KEN_ALL.CSV>". */
  usage: string;
  description: string;
  /** Returns the process exit code. */
  run(args: readonly string[], context: { db: Db; log(message: string): void }): Promise<number>;
};

/** Identity function that gives a manifest its type (and checks it) where it is written. */
export function defineModule(manifest: ModuleManifest): ModuleManifest {
  if (!/^[a-z][a-z0-9_]{1,30}$/.test(manifest.id)) {
    throw new Error(`Module id ${manifest.id} must be lowercase letters, digits or _`);
  }
  return manifest;
}
