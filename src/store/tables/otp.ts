/** Verification codes and their daily caps. Types for Kysely (see src/store/schema.ts). */
import type { Generated } from 'kysely';

/**
 * A verification code (docs/design.md §4.3). `code_hash` is an HMAC of the code under a server key;
 * `text_enc` the sealed text with the code, for the dispatcher only, cleared once the code is spent.
 */
export interface OtpCodesTable {
  id: number;
  app_id: number;
  mobile: string;
  scene: string;
  code_hash: string;
  text_enc: string | null;
  batch_id: number;
  message_id: number;
  status: 'ACTIVE' | 'VERIFIED' | 'DEAD' | 'SUPERSEDED';
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
  /** When it was verified, killed by wrong attempts or superseded. */
  ended_at: number | null;
}

/** Codes sent to a number on one Beijing-time day, across apps (the daily cap). */
export interface OtpLimitsTable {
  mobile: string;
  /** yyyy-MM-dd, Beijing time. */
  day: string;
  sent: number;
}
