import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on loopback (closed again, so another process can take it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export type CliProcess = {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  waitUntilReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Runs `node app/cli.ts <args>` as a real process (the Node running the tests, which runs .ts) with the
 * given environment on top of this one, listening on its own port.
 */
export async function startCliProcess(args: string[], env: Record<string, string>): Promise<CliProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ["app/cli.ts", ...args], {
    cwd: new URL("../../", import.meta.url).pathname,
    env: { ...process.env, ...env, TENOHIRA_PORT: String(port), TENOHIRA_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    child,
    baseUrl,
    output: () => output,
    async waitUntilReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) {
          throw new Error(`process exited with ${child.exitCode} before ready:\n${output}`);
        }
        const status = await fetch(`${baseUrl}/readyz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) {
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(`not ready after ${timeoutMs} ms:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
