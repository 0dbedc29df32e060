import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3Server, startS3Server } from "../testing/s3-server.ts";
import { createLocalFileStore, createS3FileStore, type FileStore } from "./file-store.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | null): string | null => (data ? new TextDecoder().decode(data) : null);

type StoreFixture = { store: FileStore; close(): Promise<void> };

/** The contract every FileStore keeps, run against each kind (like Hono's common.case.test.ts). */
function runFileStoreSuite(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`FileStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    beforeAll(async () => {
      fixture = await makeStore();
    });
    afterAll(() => fixture.close());

    it("puts, gets and deletes a file", async () => {
      const { store } = fixture;
      await store.put("uploads/2026/form.txt", bytes("住民票の写し"), "text/plain");
      expect(text(await store.get("uploads/2026/form.txt"))).toBe("住民票の写し");
      await store.delete("uploads/2026/form.txt");
      expect(await store.get("uploads/2026/form.txt")).toBeNull();
    });

    it("keeps binary content byte for byte", async () => {
      const { store } = fixture;
      const body = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
      await store.put("binary/blob.bin", body, "application/octet-stream");
      expect(await store.get("binary/blob.bin")).toEqual(body);
    });

    it("stores an empty file", async () => {
      const { store } = fixture;
      await store.put("empty.txt", new Uint8Array(), "text/plain");
      expect(await store.get("empty.txt")).toEqual(new Uint8Array());
    });

    it("answers null for a key that was never stored", async () => {
      expect(await fixture.store.get("missing/nothing-here.pdf")).toBeNull();
    });

    it("deletes a missing key without error", async () => {
      await expect(fixture.store.delete("missing/never-stored.pdf")).resolves.toBeUndefined();
    });

    it.each([
      "../x",
      "a/../../b",
      "/abs",
      "/etc/passwd",
      "a/./b",
      "a//b",
      "a/",
      "",
      ".hidden",
      "a\\..\\b",
      "a/b\u0000c",
      "x".repeat(400),
    ])("refuses the unsafe key %j for every operation", async (key) => {
      const { store } = fixture;
      await expect(store.put(key, bytes("x"), "text/plain")).rejects.toThrow(/Invalid storage key/);
      await expect(store.get(key)).rejects.toThrow(/Invalid storage key/);
      await expect(store.delete(key)).rejects.toThrow(/Invalid storage key/);
    });
  });
}

runFileStoreSuite("local", async () => {
  const root = mkdtempSync(join(tmpdir(), "tenohira-files-"));
  return {
    store: createLocalFileStore({ root }),
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
});

runFileStoreSuite("s3", async () => {
  const server = await startS3Server();
  return {
    store: createS3FileStore({
      bucket: server.bucket,
      region: server.region,
      endpoint: server.endpoint,
      credentials: server.credentials,
    }),
    close: () => server.close(),
  };
});

describe("createLocalFileStore", () => {
  let root: string;
  let store: FileStore;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "tenohira-files-"));
    store = createLocalFileStore({ root: join(root, "files") });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes files under its root, creating folders", async () => {
    await store.put("tenant-1/2026/a.txt", bytes("hello"), "text/plain");
    expect(readFileSync(join(root, "files", "tenant-1", "2026", "a.txt"), "utf8")).toBe("hello");
  });

  it("refuses to store the same key twice and keeps the first file", async () => {
    await store.put("once.txt", bytes("first"), "text/plain");
    await expect(store.put("once.txt", bytes("second"), "text/plain")).rejects.toThrow(/EEXIST/);
    expect(text(await store.get("once.txt"))).toBe("first");
  });

  it("cannot reach a sibling folder whose name starts with the root's", async () => {
    const sibling = createLocalFileStore({ root: join(root, "files") });
    await expect(sibling.get("../files-other/x")).rejects.toThrow(/Invalid storage key/);
  });
});

describe("createS3FileStore", () => {
  let server: LocalS3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(() => server.close());

  it("fails when the request is signed with an unknown access key", async () => {
    const store = createS3FileStore({
      bucket: server.bucket,
      region: server.region,
      endpoint: server.endpoint,
      credentials: { accessKeyId: "UNKNOWN", secretAccessKey: "S3RVER" },
    });
    await expect(store.put("signed.txt", bytes("x"), "text/plain")).rejects.toThrow(/Access Key Id/i);
  });

  it("reports a missing bucket instead of answering null", async () => {
    const store = createS3FileStore({
      bucket: "no-such-bucket",
      region: server.region,
      endpoint: server.endpoint,
      credentials: server.credentials,
    });
    await expect(store.get("a.txt")).rejects.toThrow(/bucket/i);
  });
});
