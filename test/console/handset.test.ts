/**
 * The demo's handset page API (docs/design.md §4.5) on SQLite and PostgreSQL: a logged-in user
 * texts the platform as a citizen through the configured simulator and reads that phone's inbox;
 * only the configured links, checked numbers and non-empty texts; without simulators the routes
 * do not exist. Through `inject()`; the answers are exactly their contracts (contract/handset.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  handsetInbox,
  handsetLinks,
  type HandsetInbox as Inbox,
  type HandsetLinks,
} from '../../src/console/contract/handset.js';
import { SERVICE_NUMBER, SIGNATURE } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const MOBILE = '13800138000';

for (const dialect of DIALECTS) {
  test(`${dialect}: the handset page texts the platform through the simulator and reads the phone's inbox`, async () => {
    const rig = await startTestPlatform(dialect, {
      config: { console: { enabled: true, port: 0 }, citizen: { pollMs: 50 } },
      simulator: { controlPort: 0 },
      handsets: true,
    });
    try {
      // The auditor holds no platform permission, yet any logged-in user may play a citizen.
      const consoleApp = rig.platform.consoleApp;
      assert.ok(consoleApp);
      const user = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'aud', ['auditor'], { totp: true }),
      );
      const links = await user.get<HandsetLinks>('handset/links');
      assert.equal(links.status, 200);
      assert.deepEqual(handsetLinks.parse(links.json), links.json, 'the contract, nothing more');
      assert.deepEqual(
        links.json.links.map((l) => [l.id, l.serviceNumber]),
        [[0, SERVICE_NUMBER]],
      );

      const sent = await user.post('handset/mo', { link: 0, mobile: MOBILE, text: 'CBXX#' });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      const inbox = await eventually(async () => {
        const res = await user.get<Inbox>(`handset/inbox?link=0&mobile=${MOBILE}`);
        return res.json.messages.length > 0 ? res.json : undefined;
      });
      assert.deepEqual(handsetInbox.parse(inbox), inbox);
      const [reply] = inbox.messages;
      assert.ok(reply);
      assert.ok(reply.from.startsWith(SERVICE_NUMBER));
      assert.ok(reply.text.startsWith(SIGNATURE), 'the platform answered the phone');
      assert.equal(rig.sim.inbox(MOBILE).length, inbox.messages.length, 'the same inbox as the simulator');

      for (const [body, code] of [
        [{ link: 7, mobile: MOBILE, text: 'TD#' }, 'HANDSET_LINK_UNKNOWN'],
        [{ link: 0, mobile: '12345', text: 'TD#' }, 'INVALID'],
        [{ link: 0, mobile: MOBILE, text: '   ' }, 'INVALID'],
      ] as const) {
        const res = await user.post<{ code: string }>('handset/mo', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.json.code, code);
      }
      assert.equal((await user.get(`handset/inbox?link=0&mobile=abc`)).status, 400);
      assert.equal(rig.sim.stats().uplinksSent, 1, 'refused requests never reached the simulator');
      // A caller cannot choose where the console connects: an address in the body is dropped.
      const redirected = await user.post('handset/mo', {
        link: 0,
        mobile: MOBILE,
        text: 'KT#',
        controlUrl: 'http://127.0.0.1:1/',
      });
      assert.equal(redirected.status, 200);
      await eventually(() => (rig.sim.stats().uplinksSent === 2 ? true : undefined));
    } finally {
      await rig.close();
    }
  });

  test(`${dialect}: without simulators there is no handset API`, async () => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    try {
      const user = await consoleLogin(
        rig.platform.consoleUrl ?? '',
        await addConsoleUser(rig.platform, 'op', ['operator']),
      );
      assert.equal((await user.get('handset/links')).status, 404);
    } finally {
      await rig.close();
    }
  });
}
