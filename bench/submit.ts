import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { installedModules } from "../app/modules.ts";
import { type Platform, startPlatform } from "../app/platform.ts";
import { DEMO_TENANT_SLUG } from "../app/seed-demo.ts";
import type { Actor } from "../core/audit/actor.ts";
import { loadConfig } from "../core/config/config.ts";
import type { Db, Driver } from "../core/db/database.ts";
import { hashSecret } from "../core/identity/auth-flows.ts";
import { newReferenceNumber } from "../core/reference/reference-number.ts";
import { tenants } from "../core/tenancy/schema.ts";
import type { Answers, ProvenanceMap } from "../modules/forms/definition/answers.ts";
import type { FormDefinition, FormDefinitionInput } from "../modules/forms/definition/form-definition.ts";
import { submitApplication } from "../modules/forms/operations/submit-application.ts";
import { applications } from "../modules/forms/schema.ts";
import { insertPublishedForm } from "../modules/forms/testing.ts";
import {
  type LoadOptions,
  listen,
  measure,
  median,
  openPglite,
  openPostgres,
  parseLoadOptions,
  round,
  type Sample,
  stopServer,
} from "./harness.ts";

/**
 * submit: how many resident submissions per second survive the full HTTP path, against the plain insert
 * of a submitted application.
 *
 * For each driver, three sides with the same number of requests in flight:
 * - http: the runner's real `POST /forms/<slug>/a/<id>/submit` by a guest (cookie + idempotency key) through
 *   a real HTTP server on loopback, each on its own ready draft;
 * - op: `submitApplication` called directly in a transaction on other ready drafts (the same work without
 *   HTTP, the draft lookup or the guest check);
 * - insert: one INSERT of an equivalent submitted application, the floor.
 * Drafts are written in bulk before each phase, outside the clock. Sides alternate and the medians of the
 * repeats are reported, as in write-path.
 */

/**
 * The load options (bench/harness.ts). Sides: insert, op and http (all needed for the JSON line); for diagnosis, inproc (the http request through
 * app.request(): no server, socket or client) and spread (op with the drafts spread over one form per
 * request in flight, so no two concurrent submissions wait for the same form's row lock).
 */
type Options = LoadOptions<Side>;

type Side = "insert" | "op" | "http" | "inproc" | "spread";
const allSides: readonly Side[] = ["insert", "op", "http", "inproc", "spread"];

/** One submission; `index` counts from 0 within the phase, so it picks the phase's own draft. */
type Operation = (index: number) => Promise<void>;

function parseOptions(args: readonly string[]): Options {
  return parseLoadOptions(args, {
    allSides,
    defaults: { "warmup-ms": "2000", "duration-ms": "4000", "max-requests": "1500", sides: "insert,op,http" },
  });
}

const log = (message: string) => process.stderr.write(`[submit] ${message}\n`);

const PAGE_KEY = "request";

/** A guest form of one page with ten fields of the common types, as a small city survey or request. */
const benchForm: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "ベンチマーク用申請", en: "Benchmark request" },
  assuranceLevel: "none",
  confirmationText: { ja: "受け付けました。", en: "Received." },
  pages: [
    {
      key: PAGE_KEY,
      title: { ja: "申請内容", en: "Request" },
      fields: [
        { key: "full_name", type: "text", label: { ja: "氏名", en: "Name" }, required: true },
        {
          key: "age",
          type: "number",
          label: { ja: "年齢", en: "Age" },
          required: true,
          min: 0,
          max: 130,
        },
        {
          key: "ward",
          type: "choice",
          label: { ja: "地区", en: "District" },
          required: true,
          options: [
            { value: "north", label: { ja: "北部", en: "North" } },
            { value: "south", label: { ja: "南部", en: "South" } },
          ],
        },
        {
          key: "contact_time",
          type: "choice",
          display: "select",
          label: { ja: "連絡の時間帯", en: "When to call" },
          options: [
            { value: "morning", label: { ja: "午前", en: "Morning" } },
            { value: "afternoon", label: { ja: "午後", en: "Afternoon" } },
          ],
        },
        {
          key: "topics",
          type: "multi_choice",
          label: { ja: "関心のある分野", en: "Topics" },
          options: [
            { value: "roads", label: { ja: "道路", en: "Roads" } },
            { value: "parks", label: { ja: "公園", en: "Parks" } },
            { value: "waste", label: { ja: "ごみ", en: "Waste" } },
          ],
        },
        { key: "visit_date", type: "date", label: { ja: "来庁希望日", en: "Visit date" }, required: true },
        { key: "email", type: "email", label: { ja: "メールアドレス", en: "Email" }, required: true },
        { key: "phone", type: "phone", label: { ja: "電話番号", en: "Phone" } },
        { key: "comment", type: "textarea", label: { ja: "ご意見", en: "Comments" } },
        {
          key: "consent",
          type: "consent",
          label: { ja: "個人情報の取扱いに同意します", en: "I agree to the privacy notice" },
          required: true,
        },
      ],
    },
  ],
};

/** Answers as the runner stores them after checking the page (see definition/validate-page.ts). */
const benchAnswers: Answers = {
  full_name: "鹿屋 花子",
  age: 42,
  ward: "north",
  contact_time: "afternoon",
  topics: ["roads", "parks"],
  visit_date: "2027-01-15",
  email: "hanako@example.jp",
  phone: "0994123456",
  comment: "公園のベンチを増やしてください。",
  consent: true,
};
const benchProvenance: ProvenanceMap = Object.fromEntries(
  Object.keys(benchAnswers).map((key) => [key, { source: "typed" as const }]),
);

type BenchForm = { id: string; versionId: string; slug: string; definition: FormDefinition };
type Draft = { id: string; slug: string; key: string };

/** Ready-to-submit guest drafts, written in a few multi-row INSERTs (outside the clock). */
async function prepareDrafts(
  db: Db,
  tenantId: string,
  benchForms: readonly BenchForm[],
  count: number,
): Promise<Draft[]> {
  const drafts: Draft[] = [];
  const chunk = 500;
  const resumeExpiresAt = new Date(Date.now() + 7 * 86_400_000);
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const rows = Array.from({ length: size }, (_, i) => {
      const form = benchForms[(start + i) % benchForms.length]!;
      const key = randomBytes(24).toString("base64url");
      return {
        form,
        key,
        values: {
          id: randomUUID(),
          tenantId,
          formId: form.id,
          formVersionId: form.versionId,
          guestKeyHash: hashSecret(key),
          resumeExpiresAt,
          answers: benchAnswers,
          provenance: benchProvenance,
          currentPage: "check",
          completedPages: [PAGE_KEY],
          locale: "ja" as const,
        },
      };
    });
    await db.insert(applications).values(rows.map((row) => row.values));
    for (const row of rows) {
      drafts.push({ id: row.values.id, slug: row.form.slug, key: row.key });
    }
  }
  return drafts;
}

/**
 * Counts the statements one call of `work` sends to PostgreSQL (BEGIN and COMMIT included), by wrapping
 * the pg client's query method for the duration. Diagnosis only; nothing else may run meanwhile.
 */
async function countStatements(work: () => Promise<void>): Promise<string[]> {
  type Query = (this: unknown, ...args: unknown[]) => unknown;
  const prototype = pg.Client.prototype as unknown as { query: Query };
  const original = prototype.query;
  const statements: string[] = [];
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text =
      typeof first === "string"
        ? first
        : typeof first === "object" && first !== null && "text" in first
          ? String((first as { text: unknown }).text)
          : "?";
    statements.push(text.replace(/\s+/g, " ").slice(0, 90));
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = original;
  }
  return statements;
}

async function benchDriver(driver: Driver, options: Options): Promise<void> {
  log(`${driver}: opening`);
  const target = driver === "postgres" ? await openPostgres(log) : await openPglite();
  const dataDir = mkdtempSync(join(tmpdir(), "tenohira-bench-"));
  let platform: Platform | undefined;
  let server: Server | undefined;
  try {
    const config = loadConfig({
      env: {},
      overrides: { logLevel: "silent", dataDir, worker: "off" },
    });
    platform = await startPlatform(config, installedModules, target.database);
    const listening = await listen(platform);
    server = listening.server;
    const { origin } = listening;

    const db = target.database.db;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
    if (!tenant) {
      throw new Error(`the demo tenant ${DEMO_TENANT_SLUG} was not seeded`);
    }
    const tenantId = tenant.id;
    const runTag = randomBytes(3).toString("hex");
    const publish = async (slug: string): Promise<BenchForm> => {
      const { form, version } = await insertPublishedForm(db, { tenantId, slug, definition: benchForm });
      return { id: form.id, versionId: version.id, slug, definition: version.definition };
    };
    // Every side uses one form, as a popular form does; the spread side uses its own forms.
    const mainForm = await publish(`bench-submit-${runTag}`);
    const spreadForms: BenchForm[] = [];
    if (options.sides.includes("spread")) {
      for (let i = 0; i < options.concurrency; i++) {
        spreadForms.push(await publish(`bench-submit-${runTag}-${i}`));
      }
    }
    const guest: Actor = { type: "guest", id: null };

    const submitRequest = (draft: Draft): [string, RequestInit] => [
      `/forms/${draft.slug}/a/${draft.id}/submit`,
      {
        method: "POST",
        headers: { cookie: `tenohira_guest_${draft.id.replaceAll("-", "")}=${draft.key}` },
        body: new URLSearchParams({ _idempotency: randomBytes(16).toString("base64url") }),
        redirect: "manual",
      },
    ];
    const expectDone = async (response: Response, draft: Draft, via: string) => {
      const text = await response.text();
      const location = response.headers.get("location") ?? "";
      if (response.status !== 303 || !location.endsWith(`/a/${draft.id}/done`)) {
        throw new Error(`${via} submit answered ${response.status} (location ${location}): ${text}`);
      }
    };
    const viaHttp = (drafts: readonly Draft[]): Operation => {
      return async (index) => {
        const draft = drafts[index]!;
        const [path, init] = submitRequest(draft);
        await expectDone(await fetch(`${origin}${path}`, init), draft, "HTTP");
      };
    };
    const app = platform.app;
    const inProcess = (drafts: readonly Draft[]): Operation => {
      return async (index) => {
        const draft = drafts[index]!;
        const [path, init] = submitRequest(draft);
        await expectDone(await app.request(path, init), draft, "app.request");
      };
    };
    const definitionOf = new Map(
      [mainForm, ...spreadForms].map((form) => [form.slug, form.definition] as const),
    );
    const direct = (drafts: readonly Draft[]): Operation => {
      return async (index) => {
        const draft = drafts[index]!;
        const href = `/forms/${draft.slug}/a/${draft.id}`;
        const result = await db.transaction((tx) =>
          submitApplication({
            tx,
            tenantId,
            actor: guest,
            applicationId: draft.id,
            definition: definitionOf.get(draft.slug)!,
            cityName: tenant.nameJa,
            applicationUrl: `${origin}${href}/done`,
            submitKey: randomBytes(16).toString("base64url"),
            requestId: randomUUID(),
          }),
        );
        if (result.outcome !== "submitted") {
          throw new Error(`submitApplication answered ${JSON.stringify(result)}`);
        }
      };
    };
    const plainInsert: Operation = async () => {
      const now = new Date();
      await db.insert(applications).values({
        tenantId,
        formId: mainForm.id,
        formVersionId: mainForm.versionId,
        answers: benchAnswers,
        provenance: benchProvenance,
        completedPages: [PAGE_KEY],
        locale: "ja",
        referenceNumber: newReferenceNumber(),
        submitKey: randomBytes(16).toString("base64url"),
        submittedAt: now,
        updatedAt: now,
      });
    };

    /** The operation of one phase, with the drafts it will need written beforehand. */
    const phase = async (side: Side, maxRequests: number): Promise<Operation> => {
      if (side === "insert") {
        return plainInsert;
      }
      const forms = side === "spread" ? spreadForms : [mainForm];
      const drafts = await prepareDrafts(db, tenantId, forms, maxRequests);
      return side === "http" ? viaHttp(drafts) : side === "inproc" ? inProcess(drafts) : direct(drafts);
    };

    if (driver === "postgres") {
      for (const side of ["http", "op"] as const) {
        // The first call fills per-process caches (tenants); the second shows the steady state.
        const operation = await phase(side, 2);
        await operation(0);
        const statements = await countStatements(() => operation(1));
        log(`postgres: ${statements.length} statements per ${side} submit:`);
        for (const statement of statements) {
          log(`  ${statement}`);
        }
      }
    }

    const limits = {
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      maxRequests: options.maxRequests,
    };
    const warmup = { ...limits, durationMs: options.warmupMs };
    log(`${driver}: warm-up ${options.warmupMs} ms per side`);
    for (const side of options.sides) {
      await measure(await phase(side, warmup.maxRequests), warmup);
    }

    const samples: Record<Side, Sample[]> = { insert: [], op: [], http: [], inproc: [], spread: [] };
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      // Alternate the order so drift in machine load hits every side alike.
      const order = repeat % 2 === 0 ? options.sides : [...options.sides].reverse();
      for (const side of order) {
        const sample = await measure(await phase(side, limits.maxRequests), limits);
        samples[side].push(sample);
        log(
          `${driver} #${repeat + 1} ${side.padEnd(6)} ${sample.perSecond.toFixed(0).padStart(5)}/s ` +
            `n=${sample.count} p50=${sample.p50Ms.toFixed(1)}ms p95=${sample.p95Ms.toFixed(1)}ms`,
        );
      }
    }
    const perSecond = (side: Side) =>
      samples[side].length > 0 ? median(samples[side].map((s) => s.perSecond)) : Number.NaN;
    for (const side of options.sides) {
      log(`${driver}: median ${side} ${perSecond(side).toFixed(0)}/s`);
    }
    if (!(["insert", "op", "http"] as const).every((side) => options.sides.includes(side))) {
      return;
    }
    const httpPerSecond = perSecond("http");
    const result = {
      name: "submit",
      driver,
      http_per_s: round(httpPerSecond, 1),
      op_per_s: round(perSecond("op"), 1),
      insert_per_s: round(perSecond("insert"), 1),
      ratio_http_to_insert: round(httpPerSecond / perSecond("insert"), 3),
      ratio_http_to_op: round(httpPerSecond / perSecond("op"), 3),
      concurrency: options.concurrency,
      requests: samples.http.reduce((sum, s) => sum + s.count, 0),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stopServer(server);
    await platform?.worker.stop();
    await target.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  log(
    `concurrency ${options.concurrency}, warm-up ${options.warmupMs} ms, ${options.repeats} repeats of ` +
      `≤${options.durationMs} ms / ≤${options.maxRequests} requests per side`,
  );
  for (const driver of options.drivers) {
    await benchDriver(driver, options);
  }
}
