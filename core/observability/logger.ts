import pino, { type Logger } from "pino";

export function createLogger({ level }: { level: string }): Logger {
  return pino({
    level,
    base: { service: "tenohira" },
    // Personal data must not reach logs: drop anything that looks like it if a caller passes it by mistake.
    redact: {
      paths: ["*.password", "*.email", "*.token", "req.headers.cookie", "req.headers.authorization"],
      remove: true,
    },
  });
}
