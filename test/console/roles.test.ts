/**
 * Separation of duties on the server: every console API route has a guard,
 * and each role is refused (403 FORBIDDEN) on every route its permissions do not open — whatever
 * the browser shows. The route table comes from the running console, so a new route is covered
 * the moment it is registered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleRouteTable, type GuardRule } from '../../src/console/server.js';
import { can, CONSOLE_ROLES, type ConsoleRole } from '../../src/domain/console-roles.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { startTestPlatform } from '../helpers/platform.js';

function opens(rule: GuardRule, role: ConsoleRole): boolean {
  switch (rule.kind) {
    case 'public':
    case 'stage':
      return true;
    case 'actions':
      return rule.actions.some((a) => can([role], a));
    case 'roles':
      return rule.roles.includes(role);
  }
}

for (const dialect of DIALECTS) {
  test(`${dialect}: each role is refused on every console API its permissions do not open`, async (t) => {
    const rig = await startTestPlatform(dialect, {
      config: { console: { enabled: true, port: 0 } },
      simulator: { controlPort: 0 },
      handsets: true,
    });
    t.after(() => rig.close());
    const consoleUrl = rig.platform.consoleUrl ?? '';
    const { consoleApp } = rig.platform;
    assert.ok(consoleApp, 'console listener');
    const routes = consoleRouteTable(consoleApp).filter((r) => r.method !== 'HEAD');
    // Every area of the console is there (users, audit, send, templates, reviews, words, messages,
    // uplinks, stats, tickets, surveys, replies, handset, apps, gateways, lists, proposals): 70-odd routes.
    assert.ok(routes.length >= 60, `console routes registered: ${routes.length}`);
    for (const area of [
      'users',
      'audit',
      'send',
      'templates',
      'reviews',
      'words',
      'messages',
      'uplinks',
      'stats',
      'tickets',
      'surveys',
      'replies',
      'handset',
      'apps',
      'gateways',
      'lists',
      'proposals',
    ])
      assert.ok(
        routes.some((r) => r.url.startsWith(`/console/api/${area}`)),
        `routes of ${area}`,
      );
    assert.deepEqual(
      routes.filter((r) => r.rule.kind === 'public').map((r) => r.url),
      ['/console/api/login'],
      'only the login form is reachable without a session',
    );

    const clients = new Map<ConsoleRole, Awaited<ReturnType<typeof consoleLogin>>>();
    for (const role of CONSOLE_ROLES) {
      const user = await addConsoleUser(rig.platform, `r-${role}`, [role], { totp: true });
      clients.set(role, await consoleLogin(consoleUrl, user));
    }

    let refusals = 0;
    for (const route of routes) {
      if (route.rule.kind === 'public' || route.rule.kind === 'stage') continue;
      const path = route.url.replace(/^\/console\/api\//, '').replace(/:[A-Za-z]+/g, '1');
      for (const role of CONSOLE_ROLES) {
        if (opens(route.rule, role)) continue;
        const client = clients.get(role)!;
        const res = await client.fetch(path, {
          method: route.method,
          ...(route.method !== 'GET' &&
            route.method !== 'DELETE' && {
              body: '{}',
              headers: { 'content-type': 'application/json' },
            }),
        });
        const body = (await res.json()) as { code?: string };
        assert.equal(res.status, 403, `${role} ${route.method} ${route.url}`);
        assert.equal(body.code, 'FORBIDDEN', `${role} ${route.method} ${route.url}`);
        refusals += 1;
      }
    }
    assert.ok(refusals > 0);

    // Without a session nothing but the login answers.
    for (const route of routes.filter((r) => r.rule.kind !== 'public')) {
      const res = await fetch(`${consoleUrl}${route.url.replace(/:[A-Za-z]+/g, '1')}`, {
        method: route.method,
      });
      assert.equal(res.status, 401, `anonymous ${route.method} ${route.url}`);
    }
  });
}
