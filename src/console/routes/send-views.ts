/**
 * What the Send page's API answers, built from what the store returns: a file send's task, the
 * added-up outcome of one send's admission requests, and the progress the page polls.
 */
import { FINAL_STATUSES } from '../../domain/status.js';
import type { AdmissionResult } from '../../store/admission.js';
import type { SendTask, sendProgress } from '../../store/console-send.js';
import type { SendStatus, SendTaskView } from '../contract/send.js';

/** Batch ids a status answer lists; the count says how many there are in all. */
export const LISTED_BATCHES = 20;

export function taskView(task: SendTask | null): SendTaskView | null {
  return (
    task && {
      id: task.id,
      fileName: task.fileName,
      recipients: task.recipients,
      createdBy: task.createdBy,
      createdAt: new Date(task.createdAt).toISOString(),
    }
  );
}

/** What the admission requests of one send answered, added up. */
export function summarise(
  results: readonly AdmissionResult[],
  chunks: readonly { recipients: readonly unknown[] }[],
) {
  const counts: Record<string, number> = {};
  const batchIds: string[] = [];
  const refusedWords = new Set<string>();
  let charged = 0;
  let notSent = 0;
  let replayed = false;
  let notBefore: number | undefined;
  let heldByQuietHours = false;
  results.forEach((result, n) => {
    switch (result.kind) {
      case 'insufficient':
        notSent += chunks[n]?.recipients.length ?? 0;
        return;
      case 'refused':
        // A blocking sensitive word in this text (filled with a row's values): none of its numbers is sent.
        notSent += chunks[n]?.recipients.length ?? 0;
        for (const w of result.words) refusedWords.add(w);
        return;
      case 'replayed':
        replayed = true;
        break;
      case 'accepted':
        break;
    }
    const a = result.answer;
    batchIds.push(a.batchId);
    charged += a.charged;
    if (a.notBefore !== undefined) notBefore = Math.min(notBefore ?? a.notBefore, a.notBefore);
    if (a.heldByQuietHours === true) heldByQuietHours = true;
    for (const m of a.msgIds) counts[m.status] = (counts[m.status] ?? 0) + 1;
  });
  return {
    counts,
    batchIds,
    charged,
    notSent,
    replayed,
    notBefore,
    heldByQuietHours,
    refusedWords: [...refusedWords],
  };
}

export function progressView(p: Awaited<ReturnType<typeof sendProgress>>): Omit<SendStatus, 'task'> {
  const finalCount = Object.entries(p.byStatus)
    .filter(([status]) => (FINAL_STATUSES as readonly string[]).includes(status))
    .reduce((n, [, c]) => n + c, 0);
  return {
    total: p.total,
    byStatus: p.byStatus,
    final: p.total > 0 && finalCount === p.total,
    batchIds: p.batchIds.slice(0, LISTED_BATCHES),
    batchCount: p.batchIds.length,
  };
}
