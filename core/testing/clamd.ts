import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ClamdAddress, type ClamdScanner, createClamdScanner } from "../storage/virus-scan.ts";

/** The project's test signature database: detects the EICAR test file and nothing else. */
const SIGNATURES = fileURLToPath(new URL("../storage/test-signatures/tenohira-test.ndb", import.meta.url));

/** How clamd names the EICAR match from our (unsigned, hence "UNOFFICIAL") test database. */
export const EICAR_SIGNATURE = "Tenohira.Test.EICAR.UNOFFICIAL";

/**
 * The standard EICAR anti-virus test file (68 bytes), built in memory so that no file in the
 * repository is itself flagged by a virus scanner.
 */
export function eicarTestFile(): Uint8Array {
  return new TextEncoder().encode(
    ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-", "TEST-FILE!$H+H*"].join(""),
  );
}

export type TestClamd = {
  address: ClamdAddress;
  /** Config overrides that point the platform at this clamd, e.g. `createTestPlatform({ config: clamd.config })`. */
  config: { clamdSocket: string } | { clamdHost: string; clamdPort: number };
  /** The same as environment variables, for a platform started as a separate process. */
  env: Record<string, string>;
  scanner: ClamdScanner;
  /** Milliseconds from spawning clamd to its first PONG. */
  startupMs: number;
  stop(): Promise<void>;
};

export type StartClamdOptions = {
  /** A unix socket (default) or TCP on 127.0.0.1 with a free port. */
  transport?: "unix" | "tcp";
  /** clamd's StreamMaxLength: larger INSTREAM uploads are refused. */
  streamMaxLength?: string;
  startTimeoutMs?: number;
  scanTimeoutMs?: number;
};

/**
 * A throwaway clamd (Debian's clamav-daemon) in a temporary directory, loading only the project's test
 * signatures, running as the current user in the foreground. Resolves once it answers PING.
 */
export async function startClamd({
  transport = "unix",
  streamMaxLength = "25M",
  startTimeoutMs = 30_000,
  scanTimeoutMs = 10_000,
}: StartClamdOptions = {}): Promise<TestClamd> {
  const binary = ["/usr/sbin/clamd", "/usr/local/sbin/clamd"].find((path) => existsSync(path));
  if (!binary) {
    throw new Error("clamd not found: install Debian's clamav-daemon (.ci/run does)");
  }
  const directory = await mkdtemp(join(tmpdir(), "tenohira-clamd-"));
  const databaseDirectory = join(directory, "db");
  await mkdir(databaseDirectory);
  await copyFile(SIGNATURES, join(databaseDirectory, "tenohira-test.ndb"));

  const address: ClamdAddress =
    transport === "unix"
      ? { socketPath: join(directory, "clamd.sock") }
      : { host: "127.0.0.1", port: await freePort() };
  const listen =
    "socketPath" in address
      ? [`LocalSocket ${address.socketPath}`]
      : [`TCPSocket ${address.port}`, `TCPAddr ${address.host}`];
  const configFile = join(directory, "clamd.conf");
  // No "User": clamd then stays the user that started it, and needs no clamav account or root.
  await writeFile(
    configFile,
    [
      ...listen,
      `DatabaseDirectory ${databaseDirectory}`,
      `TemporaryDirectory ${directory}`,
      `LogFile ${join(directory, "clamd.log")}`,
      "LogSyslog no",
      "Foreground yes",
      `StreamMaxLength ${streamMaxLength}`,
      // Nothing to reload or verify: a fixed database and no bytecode signatures.
      "SelfCheck 0",
      "Bytecode no",
      "ConcurrentDatabaseReload no",
      "",
    ].join("\n"),
  );

  const started = performance.now();
  const child = spawn(binary, ["--config-file", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout.on("data", (data: Buffer) => output.push(data.toString()));
  child.stderr.on("data", (data: Buffer) => output.push(data.toString()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.off("exit", killOnExit);
    await terminate(child);
    await rm(directory, { recursive: true, force: true });
  };

  const scanner = createClamdScanner(address, { timeoutMs: scanTimeoutMs });
  try {
    await waitForPong(child, scanner, startTimeoutMs);
  } catch (error) {
    await stop();
    throw new Error(`clamd did not start: ${(error as Error).message}\n${output.join("").slice(-2000)}`);
  }
  return {
    address,
    config:
      "socketPath" in address
        ? { clamdSocket: address.socketPath }
        : { clamdHost: address.host, clamdPort: address.port },
    env:
      "socketPath" in address
        ? { TENOHIRA_CLAMD_SOCKET: address.socketPath }
        : { TENOHIRA_CLAMD_HOST: address.host, TENOHIRA_CLAMD_PORT: String(address.port) },
    scanner,
    startupMs: Math.round(performance.now() - started),
    stop,
  };
}

async function waitForPong(child: ChildProcess, scanner: ClamdScanner, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`clamd exited with ${child.exitCode ?? child.signalCode}`);
    }
    try {
      await scanner.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}

/** A TCP port free on loopback right now (clamd cannot be told to pick one and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
