/**
 * Changes made from the command line go into the audit log (standard §8.1 c) as actor `cli`, with
 * the operating-system account that ran the command, since no console user is logged in.
 */
import { userInfo } from 'node:os';
import { appendAudit, type AuditEntry, type AuditKey } from '../audit/log.js';
import type { DatabaseHandle } from '../store/connect.js';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid with no passwd entry (some containers): the numeric id still names it.
    return String(process.getuid?.() ?? 'unknown');
  }
}

export async function auditCli(
  handle: DatabaseHandle,
  key: AuditKey,
  entry: Omit<AuditEntry, 'actor'>,
): Promise<void> {
  await appendAudit(handle, key, {
    ...entry,
    actor: 'cli',
    sourceIp: null,
    detail: { ...entry.detail, osUser: osUser() },
  });
}
