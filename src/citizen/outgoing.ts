/**
 * The platform's own messages to citizens — command replies, ticket results — admitted in the
 * caller's transaction under the service account (uncharged), so a command's effect and its answer
 * commit together: a reply is never lost and never sent for a change that did not happen.
 */
import type { Transaction } from 'kysely';
import type { Category } from '../domain/categories.js';
import { carrierOf } from '../domain/phone.js';
import { measureText } from '../domain/text/index.js';
import type { Carrier } from '../domain/carrier.js';
import type { TextProfile } from '../domain/text/types.js';
import type { Config } from '../config/schema.js';
import type { Capabilities } from '../store/connect.js';
import { SERVICE_APP_ID } from '../store/citizens.js';
import { admitInTransaction, type AdmissionRecipient } from '../store/admission.js';
import type { IdAllocator } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { textProfileOf } from '../protocols/gateway.js';
import { phoneDataFor } from '../pipeline/phone-data.js';

export interface OutgoingText {
  mobile: string;
  text: string;
  category: Extract<Category, 'reply' | 'result'>;
  /** Digits after the sender number: a reply leaves from the number the citizen texted. */
  srcExt: string;
}

/** How text to a carrier is counted: the running platform's Router, or the configuration (CLI). */
export interface TextRoutes {
  profilesFor(carrier: Carrier): TextProfile[];
  /** Home province code of a number ('' unknown), which the claim routes by (pipeline/router.ts). */
  homeOf?(mobile: string): string;
}

/**
 * The routes as configured, for a process that runs no gateways (the CLI): SMPP links count GSM
 * 7-bit. A configuration without gateways (the CLI pointed only at the database) counts both ways:
 * the platform that sends the message cuts it for the route it takes. The home province comes from
 * the segment data the platform routes by (docs/federation.md), so a message queued here takes the
 * ministry link as one queued by the running platform would.
 */
export function configuredRoutes(config: Pick<Config, 'gateways' | 'phoneData'>): TextRoutes {
  const enabled = config.gateways.filter((g) => g.enabled);
  const phoneData = phoneDataFor(config, null);
  return {
    profilesFor: (carrier) =>
      enabled.length === 0
        ? ['cn', 'gsm']
        : [
            ...new Set(
              enabled
                .filter((g) => g.carriers.includes(carrier))
                .map((g): TextProfile => textProfileOf(g.protocol, g.smpp?.longMessage)),
            ),
          ],
    ...(phoneData && { homeOf: (mobile: string) => phoneData.lookup(mobile)?.province ?? '' }),
  };
}

/** Ids one call to `sendOwnMessages` may take (reserve them before the transaction). */
export const idsForOwnMessages = (count: number): number => count * 3;

function recipientOf(router: TextRoutes, mobile: string, fullText: string): AdmissionRecipient {
  const carrier = carrierOf(mobile);
  const profiles = carrier ? router.profilesFor(carrier) : [];
  const homeProvince = router.homeOf?.(mobile) ?? '';
  if (!carrier || profiles.length === 0)
    return { mobile, carrier: carrier ?? 'mvno', segments: null, homeProvince };
  const segments = Math.max(...profiles.map((p) => measureText(fullText, p).segments));
  return { mobile, carrier, segments, homeProvince };
}

/** Queues the messages; returns each one's message id in order (null when none was made). */
export async function sendOwnMessages(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  router: TextRoutes,
  signature: string,
  messages: readonly OutgoingText[],
  now: number,
): Promise<(number | null)[]> {
  if (messages.length === 0) return [];
  const results = await admitInTransaction(
    tx,
    caps,
    ids,
    messages.map((m) => ({
      appId: SERVICE_APP_ID,
      clientMsgId: null,
      signature,
      content: m.text,
      srcExt: m.srcExt,
      islong: true,
      category: m.category,
      sendAt: null,
      recipients: [recipientOf(router, m.mobile, signature + m.text)],
      unmetered: true,
    })),
    now,
  );
  return results.map((r) =>
    r.kind === 'accepted' ? Number(r.answer.msgIds[0]?.msgId ?? NaN) || null : null,
  );
}
