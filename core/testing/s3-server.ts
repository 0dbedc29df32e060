import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export type LocalS3Server = {
  /** http://127.0.0.1:<port>, for the S3 client's endpoint (path-style). */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
};

/**
 * A real S3-protocol server on loopback (s3rver) with one empty bucket, so a store is exercised through
 * the SDK and the wire protocol end to end. It requires a SigV4 Authorization header from a known access
 * key but does not recompute v4 signatures, so a wrong secret is not detected.
 */
export async function startS3Server({
  bucket = "tenohira-test",
}: {
  bucket?: string;
} = {}): Promise<LocalS3Server> {
  const directory = mkdtempSync(join(tmpdir(), "tenohira-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: "us-east-1",
    // s3rver's built-in account: requests signed with anything else are refused.
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
