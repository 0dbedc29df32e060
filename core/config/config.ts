import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

/**
 * Everything the process can be told from outside. Environment variables win over the optional
 * JSON file (TENOHIRA_CONFIG, default ./tenohira.config.json) so containers can override a shared file.
 */
export const ConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(3000),
    host: z.string().min(1).default("127.0.0.1"),
    baseUrl: z.url().optional(),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
    dataDir: z.string().min(1).default("./data"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    bodyLimitBytes: z.coerce.number().int().positive().default(1_048_576),
    /** Largest multipart upload (all files of one page together). */
    uploadLimitBytes: z.coerce.number().int().positive().default(26_214_400),
    worker: z.enum(["inline", "off"]).default("inline"),
    workerConcurrency: z.coerce.number().int().min(1).max(64).default(4),
    seedDemo: z.stringbool().default(true),
    /**
     * Port of the demo city's stand-in OpenID provider (plays LINE Login and the デジタル認証アプリ with
     * fictional people); default the app's port + 1. Started only with the demo city; -1 turns it off.
     */
    demoIdentityProviderPort: z.coerce.number().int().min(-1).max(65535).optional(),
    storage: z.enum(["local", "s3"]).default("local"),
    storageDir: z.string().optional(),
    s3Endpoint: z.url().optional(),
    s3Region: z.string().default("ap-northeast-1"),
    s3Bucket: z.string().optional(),
    s3AccessKeyId: z.string().optional(),
    s3SecretAccessKey: z.string().optional(),
    s3ForcePathStyle: z.stringbool().default(true),
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
      .optional(),
    mailFrom: z.string().min(3).default("てのひら市 <no-reply@tenohira.localhost>"),
    sessionIdleMinutes: z.coerce.number().int().positive().default(30),
    sessionAbsoluteHours: z.coerce.number().int().positive().default(12),
    secureCookies: z.stringbool().optional(),
    /** Behind a reverse proxy that sets X-Forwarded-For: trust its first address as the client's. */
    trustProxy: z.stringbool().default(false),
    /**
     * clamd's local socket (Debian: /run/clamav/clamd.ctl). Uploads are virus-scanned when this or
     * clamdHost is set, and refused while the configured clamd cannot answer.
     */
    clamdSocket: z.string().min(1).optional(),
    /** clamd's TCP address (TCPAddr/TCPSocket in clamd.conf), for a clamd on another host or container. */
    clamdHost: z.string().min(1).optional(),
    clamdPort: z.coerce.number().int().min(1).max(65535).default(3310),
    /** How long one scan may take, connection to verdict; past it the upload is refused. */
    clamdTimeoutMs: z.coerce.number().int().positive().default(30_000),
    /**
     * Let outbound webhooks reach private, loopback and link-local addresses. Off by default so a city
     * administrator cannot make the server probe its own network (SSRF); turn on where the city's systems
     * sit on LGWAN or another closed network (docs/webhooks.md).
     */
    webhooksAllowPrivateNetworks: z.stringbool().default(false),
    /**
     * Background map tiles as an XYZ template ({z}/{x}/{y}); default 地理院タイル (GSI standard map). A path
     * starting with "/" is served by this install, e.g. the built-in offline tiles "/map/tiles/{z}/{x}/{y}.png".
     */
    mapTileUrl: z.string().min(1).default("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"),
    /** The credit the tile source requires, shown under every map. */
    mapAttribution: z.string().min(1).default("地理院タイル"),
    mapAttributionUrl: z.url().default("https://maps.gsi.go.jp/development/ichiran.html"),
    /**
     * The GET /geocode endpoint of the Digital Agency's abr-geocoder (`abrg serve start`, e.g.
     * http://127.0.0.1:3000/geocode), which geocodes full addresses offline; unset, address search knows only
     * the city's own 町字 and area names.
     */
    addressGeocoderUrl: z.url().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.storage === "s3" && !config.s3Bucket) {
      ctx.addIssue({ code: "custom", path: ["s3Bucket"], message: "is required when storage is s3" });
    }
    if (config.clamdSocket && config.clamdHost) {
      ctx.addIssue({
        code: "custom",
        path: ["clamdHost"],
        message: "set either clamdSocket or clamdHost, not both",
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable name for each key: camelCase → TENOHIRA_SNAKE_CASE, plus the conventional DATABASE_URL and PORT. */
const envNames: Record<keyof Config, string[]> = Object.fromEntries(
  Object.keys(ConfigSchema.shape).map((key) => {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    const extra = key === "databaseUrl" ? ["DATABASE_URL"] : key === "port" ? ["PORT"] : [];
    return [key, [`TENOHIRA_${snake}`, ...extra]];
  }),
) as Record<keyof Config, string[]>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type LoadConfigOptions = {
  env?: NodeJS.ProcessEnv;
  /** Explicit values, e.g. from tests; they win over env and file. */
  overrides?: Partial<Record<keyof Config, unknown>>;
};

export function loadConfig({ env = process.env, overrides = {} }: LoadConfigOptions = {}): Config {
  const filePath = env["TENOHIRA_CONFIG"] ?? "./tenohira.config.json";
  const fromFile = readConfigFile(resolve(filePath), env["TENOHIRA_CONFIG"] !== undefined);
  const fromEnv: Record<string, string> = {};
  for (const [key, names] of Object.entries(envNames)) {
    const name = names.find((n) => env[n] !== undefined && env[n] !== "");
    if (name) {
      fromEnv[key] = env[name] as string;
    }
  }
  const unknownFileKeys = Object.keys(fromFile).filter((key) => !(key in envNames));
  if (unknownFileKeys.length > 0) {
    throw new ConfigError(
      `Unknown key in ${filePath}: ${unknownFileKeys.join(", ")} / 設定ファイルに不明なキーがあります`,
    );
  }
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const source = key in fromEnv ? (envNames[key as keyof Config] ?? []).join(" or ") : key;
      return `  ${source}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration / 設定が正しくありません:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function readConfigFile(path: string, required: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (required) {
      throw new ConfigError(`Config file not found: ${path} / 設定ファイルが見つかりません`);
    }
    return {};
  }
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ConfigError(`${path} must hold a JSON object / JSONオブジェクトを記述してください`);
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw error;
    }
    throw new ConfigError(
      `${path} is not valid JSON: ${(error as Error).message} / JSONの形式が正しくありません`,
    );
  }
}
