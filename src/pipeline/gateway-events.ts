/**
 * What the platform does with each gateway's events: reports and uplinks go to the writer (stored
 * before the carrier is answered), an uplink is routed to the business system whose extension code
 * starts the digits after the sender number, else to the account that last texted this citizen from
 * that extension (a request `extCode` of an account without its own) — or, when none did, to the
 * citizens' command engine —
 * and a link coming up wakes the dispatcher.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { normalizeMobile } from '../domain/phone.js';
import { maskMobile } from '../shared/log.js';
import type { Gateway } from '../protocols/gateway.js';
import { listApps } from '../store/apps.js';
import { replyOwner } from '../store/uplinks.js';
import type { Database } from '../store/schema.js';
import type { EventWriter } from './writer.js';

export interface GatewayEventDeps {
  db: Kysely<Database>;
  writer: EventWriter;
  /** Survey numbers (spNumber + this + id) are the platform's own: answers go to the engine. */
  surveyExtPrefix: string;
  logger: Logger;
  now: () => number;
  /** An uplink no business system owns was stored: the command engine has work. */
  uplinkForCitizens(): void;
  /** A gateway has a bound link: queued messages can go. */
  linkUp(): void;
}

/** Extension codes are reread at most this often, so a new or frozen app takes effect within it. */
const EXT_RELOAD_MS = 5000;

/** How far back a reply to a request `extCode` finds the message it answers (docs/design.md §3, item 10 "Uplinks"). */
const REPLY_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** What starts a gateway with the platform's handlers: at start, and for links changed at run time. */
export function gatewayStarter(deps: GatewayEventDeps): (gateway: Gateway) => void {
  const { logger, writer } = deps;
  let extCodes: { appId: number; ext: string }[] = [];
  let activeApps = new Set<number>();
  let extLoadedAt = -Infinity;
  const appForExt = async (ext: string, mobile: string): Promise<number | null> => {
    if (ext === '' || ext.startsWith(deps.surveyExtPrefix)) return null;
    if (deps.now() - extLoadedAt > EXT_RELOAD_MS) {
      const apps = (await listApps(deps.db)).filter((a) => a.status === 'active');
      activeApps = new Set(apps.map((a) => a.id));
      extCodes = apps
        .filter((a) => a.extCode !== '')
        .map((a) => ({ appId: a.id, ext: a.extCode }))
        // The longest code first: 12 must not take what belongs to 123.
        .sort((a, b) => b.ext.length - a.ext.length);
      extLoadedAt = deps.now();
    }
    const owner = extCodes.find((e) => ext.startsWith(e.ext))?.appId;
    if (owner !== undefined) return owner;
    // An account without an extension of its own sent with a request extCode: the reply is its.
    const sender = await replyOwner(deps.db, mobile, ext, deps.now() - REPLY_WINDOW_MS);
    return sender !== null && activeApps.has(sender) ? sender : null;
  };

  return (gateway) => {
    const spNumber = gateway.config.spNumber;
    gateway.start({
      report: (r) =>
        writer.write({
          kind: 'report',
          record: {
            gatewayId: r.gatewayId,
            carrierMsgId: r.carrierMsgId,
            stat: r.stat,
            mobile: r.mobile,
            doneAt: r.doneAt,
            receivedAt: r.receivedAt,
          },
        }),
      uplink: async (m) => {
        const ext = m.destId.startsWith(spNumber) ? m.destId.slice(spNumber.length) : '';
        const mobile = normalizeMobile(m.mobile) ?? m.mobile;
        logger.info(
          { gateway: m.gatewayId, mobile: maskMobile(mobile), ext },
          '收到上行短信 uplink received',
        );
        const appId = await appForExt(ext, mobile);
        await writer.write({ kind: 'uplink', record: { ...m, mobile, ext, appId } });
        if (appId === null) deps.uplinkForCitizens();
      },
      state: (s) => {
        logger.info(
          { gateway: s.id, state: s.state, bound: s.bound, lastError: s.lastError },
          '网关状态 gateway state',
        );
        if (s.bound > 0) deps.linkUp();
      },
    });
  };
}
