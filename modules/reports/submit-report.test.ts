import { and, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departments } from "../../core/identity/schema.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { submitReport } from "./operations/submit-report.ts";
import { loadCategory, loadRoutingSetup, routeReport } from "./routing.ts";
import { reportEntries, reportFollowers, reportMapCells, reportPhotos, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";

let platform: TestPlatform;
let tenantId: string;
const guest = { type: "guest" as const, id: null };

async function departmentCode(id: string | null): Promise<string | null> {
  if (!id) {
    return null;
  }
  const [row] = await platform.services.database.db.select().from(departments).where(eq(departments.id, id));
  return row?.code ?? null;
}

/** A JPEG carrying an EXIF block with a GPS position, as a phone camera writes it. */
async function photoWithGps(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#884422" } })
      .jpeg()
      .withExif({
        IFD0: { Make: "TestPhone", Model: "X" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "31/1 24/1 36/1",
          GPSLongitudeRef: "E",
          GPSLongitude: "130/1 49/1 48/1",
        },
      })
      .toBuffer(),
  );
}

beforeAll(async () => {
  platform = await createTestPlatform();
  const [tenant] = await platform.services.database.db
    .select()
    .from(tenants)
    .where(eq(tenants.slug, "tenohira"));
  tenantId = tenant!.id;
}, 120_000);

afterAll(async () => {
  await platform?.close();
});

describe("submitReport", () => {
  it("files a report with a photo stripped of EXIF, routes it, and counts it on the map", async () => {
    const photo = await photoWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const before = await platform.services.database.db
      .select({ n: sql<number>`coalesce(sum(${reportMapCells.count}), 0)::int` })
      .from(reportMapCells)
      .where(and(eq(reportMapCells.tenantId, tenantId), eq(reportMapCells.level, 16)));
    const result = await submitReport({
      services: platform.services,
      tenantId,
      actor: guest,
      categoryCode: "streetlight",
      point: demoPlaces.higashiMachi,
      description: "  街灯が点滅しています  ",
      channel: "web",
      contact: { email: "Reporter@Example.JP" },
      photos: [{ fileName: "IMG_0001.jpg", bytes: photo }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) {
      return;
    }
    const report = result.report;
    expect(report.reference).toMatch(/^V[0-9A-Z]{3}-[0-9A-Z]{4}$/);
    expect(report.description).toBe("街灯が点滅しています");
    expect(report.statusKey).toBe("received");
    expect(await departmentCode(report.departmentId)).toBe("doro-ka");
    expect(report.dueAt).not.toBeNull();
    expect(report.publicLat).toBe(demoPlaces.higashiMachi.lat);

    const db = platform.services.database.db;
    const [photoRow] = await db
      .select({ key: storedFiles.storageKey })
      .from(reportPhotos)
      .innerJoin(storedFiles, eq(storedFiles.id, reportPhotos.fileId))
      .where(eq(reportPhotos.reportId, report.id));
    const stored = await platform.services.storage.get(photoRow!.key);
    const metadata = await sharp(stored!).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(Buffer.from(stored!).includes(Buffer.from("TestPhone"))).toBe(false);

    const followers = await db.select().from(reportFollowers).where(eq(reportFollowers.reportId, report.id));
    expect(followers.map((f) => [f.email, f.source])).toEqual([["reporter@example.jp", "reporter"]]);
    const entries = await db.select().from(reportEntries).where(eq(reportEntries.reportId, report.id));
    expect(entries.map((e) => [e.kind, e.public])).toEqual([
      ["received", true],
      ["routed", false],
    ]);
    const after = await db
      .select({ n: sql<number>`coalesce(sum(${reportMapCells.count}), 0)::int` })
      .from(reportMapCells)
      .where(and(eq(reportMapCells.tenantId, tenantId), eq(reportMapCells.level, 16)));
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });

  it("refuses a point outside the city with the nearest place inside, and stores nothing", async () => {
    const db = platform.services.database.db;
    const [{ n: count }] = (await db.select({ n: sql<number>`count(*)::int` }).from(reports)) as [
      { n: number },
    ];
    const result = await submitReport({
      services: platform.services,
      tenantId,
      actor: guest,
      categoryCode: "road-damage",
      point: demoPlaces.offshore,
      description: "x".repeat(4001),
      channel: "web",
      photos: [{ fileName: "a.txt", bytes: new TextEncoder().encode("not an image") }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) {
      return;
    }
    const fields = result.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(["location", "description", "photos", "answers"]));
    const location = result.problems.find((p) => p.field === "location")!;
    expect(location.message.ja).toContain("区域外");
    const { setupContains } = await boundaryCheck(location.suggestion!);
    expect(setupContains).toBe(true);
    expect(result.problems.find((p) => p.field === "description")!.message.en).toContain("4000");
    const [{ n: countAfter }] = (await db.select({ n: sql<number>`count(*)::int` }).from(reports)) as [
      { n: number },
    ];
    expect(countAfter).toBe(count);
  });

  it("refuses characters that cannot be stored or sent as XML, and over-long contact fields", async () => {
    const result = await submitReport({
      services: platform.services,
      tenantId,
      actor: guest,
      categoryCode: "streetlight",
      point: demoPlaces.higashiMachi,
      description: "消えています\u0000",
      address: "東町\u000b1丁目",
      channel: "open311",
      contact: { name: "あ".repeat(101), phone: "0994\u0001" },
    });
    expect(result.ok).toBe(false);
    if (result.ok) {
      return;
    }
    expect(result.problems.map((p) => p.field).sort()).toEqual([
      "contact",
      "contact",
      "description",
      "location",
    ]);
    expect(result.problems.find((p) => p.field === "description")!.message.ja).toContain("使えない文字");
  });

  it("routes illegal dumping in the river corridor to the river manager, elsewhere to the environment division", async () => {
    const setup = await loadRoutingSetup(platform.services.database.db, tenantId);
    const category = (await loadCategory(platform.services.database.db, tenantId, "illegal-dumping"))!;
    const inRiver = routeReport(setup, category, demoPlaces.river);
    expect(inRiver.reason).toBe("category_and_area");
    expect(await departmentCode(inRiver.departmentId)).toBe("doro-ka");
    const inTown = routeReport(setup, category, demoPlaces.minamiMachi);
    expect(inTown.reason).toBe("category_default");
    expect(await departmentCode(inTown.departmentId)).toBe("kankyo-ka");
  });

  it("coarsens the public point of a dead animal and hides the 'other' category from the map", async () => {
    const animal = await submitReport({
      services: platform.services,
      tenantId,
      actor: guest,
      categoryCode: "dead-animal",
      point: { lat: 31.39123, lng: 130.86789 },
      description: "猫が倒れています",
      channel: "web",
    });
    expect(animal.ok && animal.report.publicLat !== animal.report.lat).toBe(true);
    const other = await submitReport({
      services: platform.services,
      tenantId,
      actor: guest,
      categoryCode: "other",
      point: demoPlaces.cityHall,
      description: "相談があります",
      channel: "web",
      anonymous: true,
    });
    expect(other.ok).toBe(false);
    if (!other.ok) {
      expect(other.problems.map((p) => p.field)).toEqual(["contact"]);
    }
  });
});

async function boundaryCheck(point: { lat: number; lng: number }) {
  const setup = await loadRoutingSetup(platform.services.database.db, tenantId);
  const { containsPoint } = await import("../../core/geo/geo.ts");
  return { setupContains: containsPoint(setup.boundary!.geometry, point) };
}
