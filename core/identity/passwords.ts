import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, params);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let unused: Promise<string> | undefined;

/** Verifying against this when the account does not exist keeps response time from revealing which emails exist. */
export function unusedPasswordHash(): Promise<string> {
  unused ??= hashPassword("tenohira-unused-password");
  return unused;
}
