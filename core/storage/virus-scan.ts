import { connect, type Socket } from "node:net";
import type { Config } from "../config/config.ts";

export type ScanResult = { clean: true } | { clean: false; signature: string };

/** Checks uploaded bytes for malware before anything is stored. */
export type VirusScanner = {
  /**
   * Resolves with the verdict; rejects with {@link VirusScanError} when no verdict could be had. Callers
   * then refuse the upload: a configured scanner that cannot answer never lets a file through unscanned.
   */
  scan(bytes: Uint8Array): Promise<ScanResult>;
};

export type ClamdScanner = VirusScanner & {
  /** Resolves when clamd answers PING; for readiness checks and the test helper. */
  ping(): Promise<void>;
};

export type ClamdAddress = { socketPath: string } | { host: string; port: number };

export type ClamdScannerOptions = {
  /** For the whole exchange, from connecting to the verdict. */
  timeoutMs: number;
  /** Size of the INSTREAM chunks; clamd accepts any size up to its StreamMaxLength. */
  chunkBytes?: number;
};

export type VirusScanErrorKind =
  /** The file is larger than clamd's StreamMaxLength: it cannot be scanned, so it must not be accepted. */
  | "size-limit-exceeded"
  /** clamd could not be reached or dropped the connection. */
  | "unavailable"
  | "timeout"
  /** clamd answered with an error or something this client does not understand. */
  | "scanner-error";

export class VirusScanError extends Error {
  override name = "VirusScanError";
  readonly kind: VirusScanErrorKind;
  constructor(kind: VirusScanErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * A client for clamd's INSTREAM command (see clamd(8)): the bytes go over the socket, so clamd needs no
 * access to our files and may run in another container or host. One connection per scan.
 */
export function createClamdScanner(address: ClamdAddress, options: ClamdScannerOptions): ClamdScanner {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const where = "socketPath" in address ? address.socketPath : `${address.host}:${address.port}`;
  const ping = async () => {
    const outcome = await exchange(address, options.timeoutMs, async (socket) => {
      socket.end("zPING\0");
    });
    if ("hungUp" in outcome) {
      throw new VirusScanError(
        "unavailable",
        `clamd at ${where} closed the connection without answering PING`,
      );
    }
    if (outcome.reply !== "PONG") {
      throw new VirusScanError("scanner-error", `clamd answered PING with ${JSON.stringify(outcome.reply)}`);
    }
  };
  return {
    ping,
    async scan(bytes) {
      const outcome = await exchange(address, options.timeoutMs, (socket, replied) =>
        streamBytes(socket, bytes, chunkBytes, replied),
      );
      if ("reply" in outcome) {
        return parseScanReply(outcome.reply);
      }
      // clamd refuses an over-long stream by answering and hanging up at once; when we are still
      // writing, the kernel may report the hang-up (EPIPE, ECONNRESET) before its answer is read, and
      // Node then drops the answer. A clamd that still answers PING hung up on purpose, and the size
      // limit is its only reason to do so mid-stream (its read timeout is far longer than ours).
      const cause = outcome.error;
      try {
        await ping();
      } catch (pingError) {
        throw new VirusScanError("unavailable", `clamd at ${where} dropped the connection during a scan`, {
          cause: cause ?? pingError,
        });
      }
      throw new VirusScanError(
        "size-limit-exceeded",
        `clamd at ${where} hung up while receiving ${bytes.length} bytes: larger than its StreamMaxLength`,
        { cause },
      );
    },
  };
}

/** The scanner the configuration asks for, or null when no clamd is configured. */
export function virusScannerFromConfig(config: Config): ClamdScanner | null {
  const options = { timeoutMs: config.clamdTimeoutMs };
  if (config.clamdSocket) {
    return createClamdScanner({ socketPath: config.clamdSocket }, options);
  }
  if (config.clamdHost) {
    return createClamdScanner({ host: config.clamdHost, port: config.clamdPort }, options);
  }
  return null;
}

/** Replies are "stream: OK", "stream: <signature> FOUND" or "<reason> ERROR", NUL-terminated. */
function parseScanReply(reply: string): ScanResult {
  if (reply === "stream: OK") {
    return { clean: true };
  }
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) {
    return { clean: false, signature: found[1]! };
  }
  if (/size limit exceeded/i.test(reply)) {
    throw new VirusScanError("size-limit-exceeded", `clamd refused the file as too large: ${reply}`);
  }
  throw new VirusScanError("scanner-error", `clamd could not scan the file: ${reply}`);
}

/** zINSTREAM, then chunks each prefixed by its length (4 bytes, big-endian), then a zero length. */
async function streamBytes(
  socket: Socket,
  bytes: Uint8Array,
  chunkBytes: number,
  replied: () => boolean,
): Promise<void> {
  await write(socket, Buffer.from("zINSTREAM\0", "latin1"));
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    // Let the event loop read between chunks: clamd answers early only to refuse (size limit), and that
    // answer must be read before writing on fails with EPIPE.
    await new Promise((resolve) => setImmediate(resolve));
    if (replied() || socket.destroyed) {
      return;
    }
    const chunk = bytes.subarray(offset, offset + chunkBytes);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(chunk.length);
    await write(socket, length);
    await write(socket, chunk);
  }
  if (!replied() && !socket.destroyed) {
    socket.end(Buffer.alloc(4));
  }
}

/** Writes with back-pressure; a closed socket is not an error here, the reply (or its absence) decides. */
function write(socket: Socket, data: Uint8Array): Promise<void> {
  if (socket.destroyed) {
    return Promise.resolve();
  }
  if (socket.write(data)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.once("drain", done);
    socket.once("close", done);
  });
}

/** clamd's NUL-terminated reply, or a hang-up without one after the connection was made. */
type Outcome = { reply: string } | { hungUp: true; error: Error | undefined };

/**
 * Connects, lets `send` write the command, and resolves with clamd's reply once clamd closes the
 * connection. A reply that arrives before a write error still counts: clamd answers a too-large stream
 * and hangs up while we are still sending, and that answer explains what happened. Failing to connect
 * and running out of time reject with {@link VirusScanError}.
 */
function exchange(
  address: ClamdAddress,
  timeoutMs: number,
  send: (socket: Socket, replied: () => boolean) => Promise<void>,
): Promise<Outcome> {
  const where = "socketPath" in address ? address.socketPath : `${address.host}:${address.port}`;
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let failure: Error | undefined;
    let connected = false;
    let timedOut = false;
    const socket =
      "socketPath" in address ? connect(address.socketPath) : connect(address.port, address.host);
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on("connect", () => {
      connected = true;
      send(socket, () => received.length > 0).catch((error: Error) => {
        failure = error;
        socket.destroy();
      });
    });
    socket.on("data", (data: Buffer) => {
      received.push(data);
    });
    socket.on("error", (error) => {
      failure ??= error;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const reply = Buffer.concat(received).toString("utf8").replace(/\0+$/, "").trim();
      if (timedOut) {
        reject(new VirusScanError("timeout", `clamd at ${where} gave no verdict within ${timeoutMs} ms`));
      } else if (reply !== "") {
        resolve({ reply });
      } else if (connected) {
        resolve({ hungUp: true, error: failure });
      } else {
        reject(
          new VirusScanError(
            "unavailable",
            `cannot reach clamd at ${where}: ${failure?.message ?? "closed"}`,
            {
              cause: failure,
            },
          ),
        );
      }
    });
  });
}
