import { createServer, type Server } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config/config.ts";
import { EICAR_SIGNATURE, eicarTestFile, startClamd, type TestClamd } from "../testing/clamd.ts";
import { createClamdScanner, VirusScanError, virusScannerFromConfig } from "./virus-scan.ts";

const pdf = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

async function scanError(promise: Promise<unknown>): Promise<VirusScanError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VirusScanError);
  return error as VirusScanError;
}

/** A TCP server on loopback that behaves as told, for failures a healthy clamd will not produce. */
async function fakeClamd(
  onConnection: Parameters<typeof createServer>[1],
): Promise<Server & { port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

describe("clamd scanner over a unix socket", () => {
  let clamd: TestClamd;
  beforeAll(async () => {
    clamd = await startClamd({ streamMaxLength: "1M" });
  });
  afterAll(async () => {
    await clamd?.stop();
  });

  it("starts clamd with the test signatures in a few seconds", () => {
    expect(clamd.startupMs).toBeLessThan(10_000);
  });

  it("detects the EICAR test file and names the signature", async () => {
    expect(await clamd.scanner.scan(eicarTestFile())).toEqual({ clean: false, signature: EICAR_SIGNATURE });
    // EICAR allows trailing whitespace, as when saved by a text editor.
    const withNewline = new Uint8Array([...eicarTestFile(), 0x0d, 0x0a]);
    expect(await clamd.scanner.scan(withNewline)).toEqual({ clean: false, signature: EICAR_SIGNATURE });
  });

  it("passes clean PDFs and photos, in several chunks too", async () => {
    expect(await clamd.scanner.scan(pdf)).toEqual({ clean: true });
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3a7" } })
      .jpeg()
      .toBuffer();
    expect(await clamd.scanner.scan(photo)).toEqual({ clean: true });
    const chunked = createClamdScanner(clamd.address, { timeoutMs: 5_000, chunkBytes: 1000 });
    expect(await chunked.scan(photo)).toEqual({ clean: true });
    expect(await chunked.scan(new Uint8Array())).toEqual({ clean: true });
  });

  it("finds EICAR hidden behind a clean prefix only where the signature allows (offset 0)", async () => {
    const shifted = new Uint8Array([...new TextEncoder().encode("harmless text\n"), ...eicarTestFile()]);
    expect(await clamd.scanner.scan(shifted)).toEqual({ clean: true });
  });

  it("gives parallel uploads each their own verdict", async () => {
    const files = Array.from({ length: 12 }, (_, index) => (index % 3 === 0 ? eicarTestFile() : pdf));
    const verdicts = await Promise.all(files.map((file) => clamd.scanner.scan(file)));
    expect(verdicts.map((verdict) => verdict.clean)).toEqual(files.map((_, index) => index % 3 !== 0));
  });

  it("refuses a file over StreamMaxLength with a size-limit error, not a verdict", async () => {
    const justUnder = new Uint8Array(1024 * 1024 - 1024);
    expect(await clamd.scanner.scan(justUnder)).toEqual({ clean: true });
    const tooBig = new Uint8Array(3 * 1024 * 1024).fill(0x41);
    const error = await scanError(clamd.scanner.scan(tooBig));
    expect(error.kind).toBe("size-limit-exceeded");
    // The connection that clamd hung up on leaves it healthy for the next upload.
    expect(await clamd.scanner.scan(eicarTestFile())).toMatchObject({ clean: false });
  });

  it("is built from config when TENOHIRA_CLAMD_SOCKET is set, and absent otherwise", async () => {
    expect(Object.keys(clamd.env)).toEqual(["TENOHIRA_CLAMD_SOCKET"]);
    const scanner = virusScannerFromConfig(loadConfig({ env: clamd.env }));
    expect(await scanner!.scan(eicarTestFile())).toEqual({ clean: false, signature: EICAR_SIGNATURE });
    expect(virusScannerFromConfig(loadConfig({ env: {} }))).toBeNull();
    expect(() =>
      loadConfig({ env: { TENOHIRA_CLAMD_SOCKET: "/run/clamd.sock", TENOHIRA_CLAMD_HOST: "clamd" } }),
    ).toThrow(ConfigError);
  });
});

describe("clamd scanner over TCP", () => {
  let clamd: TestClamd;
  beforeAll(async () => {
    clamd = await startClamd({ transport: "tcp", streamMaxLength: "1M" });
  });
  afterAll(async () => {
    await clamd?.stop();
  });

  it("scans through TENOHIRA_CLAMD_HOST and TENOHIRA_CLAMD_PORT", async () => {
    expect(clamd.env).toMatchObject({ TENOHIRA_CLAMD_HOST: "127.0.0.1" });
    const scanner = virusScannerFromConfig(loadConfig({ env: clamd.env }))!;
    expect(await scanner.scan(eicarTestFile())).toEqual({ clean: false, signature: EICAR_SIGNATURE });
    expect(await scanner.scan(pdf)).toEqual({ clean: true });
    expect((await scanError(scanner.scan(new Uint8Array(2 * 1024 * 1024)))).kind).toBe("size-limit-exceeded");
  });

  it("throws when clamd has gone away, so callers refuse the upload", async () => {
    const { address } = clamd;
    await clamd.stop();
    const scanner = createClamdScanner(address, { timeoutMs: 2_000 });
    expect((await scanError(scanner.scan(pdf))).kind).toBe("unavailable");
  });
});

describe("clamd scanner failures", () => {
  it("throws 'unavailable' for a socket that does not exist", async () => {
    const scanner = createClamdScanner({ socketPath: "/nonexistent/clamd.sock" }, { timeoutMs: 1_000 });
    const error = await scanError(scanner.scan(pdf));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("/nonexistent/clamd.sock");
    expect((await scanError(scanner.ping())).kind).toBe("unavailable");
  });

  it("throws 'timeout' when clamd accepts but never answers", async () => {
    const silent = await fakeClamd(() => {});
    try {
      const scanner = createClamdScanner({ host: "127.0.0.1", port: silent.port }, { timeoutMs: 300 });
      expect((await scanError(scanner.scan(pdf))).kind).toBe("timeout");
    } finally {
      silent.close();
    }
  });

  it("throws 'scanner-error' for clamd's own errors and replies it does not understand", async () => {
    for (const reply of ["stream: Can't allocate memory ERROR\0", "HELLO\0"]) {
      const server = await fakeClamd((socket) => {
        socket.once("data", () => socket.end(reply));
        socket.on("error", () => {});
      });
      try {
        const scanner = createClamdScanner({ host: "127.0.0.1", port: server.port }, { timeoutMs: 2_000 });
        expect((await scanError(scanner.scan(pdf))).kind).toBe("scanner-error");
      } finally {
        server.close();
      }
    }
  });
});
