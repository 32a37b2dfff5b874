/**
 * Password hashing: argon2id with the library's defaults (OWASP-level memory cost). Verification is
 * deliberately slow, so hot paths cache a successful check (interface/credentials.ts).
 */
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  // The library's default algorithm is argon2id (checked in test/security/passwords.test.ts).
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash verifies nothing.
    return false;
  }
}
