/**
 * Every console page: where it lives (#/key), its menu title, the actions that open it. The server
 * checks the same actions on every API call; the menu only hides what would be refused anyway.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { ConsoleAction } from '../../../domain/console-roles.js';

export type PageGroup = 'work' | 'citizen' | 'system' | 'security';

export interface PageDef {
  key: string;
  zh: string;
  en: string;
  group: PageGroup;
  /** Any one of these opens the page; empty: every logged-in user. */
  actions: readonly ConsoleAction[];
  /** Only when the platform runs in demo mode. */
  demoOnly?: boolean;
  component: LazyExoticComponent<ComponentType>;
}

export const GROUP_NAMES: Record<PageGroup, { zh: string; en: string }> = {
  work: { zh: '短信业务', en: 'Messaging' },
  citizen: { zh: '便民服务', en: 'Citizen services' },
  system: { zh: '系统管理', en: 'System' },
  security: { zh: '安全与审计', en: 'Security & audit' },
};

export const PAGES: readonly PageDef[] = [
  {
    key: 'dashboard',
    zh: '运行概览',
    en: 'Dashboard',
    group: 'work',
    actions: ['stats.read'],
    component: lazy(() => import('./dashboard/index.js')),
  },
  {
    key: 'send',
    zh: '发送短信',
    en: 'Send',
    group: 'work',
    actions: ['message.send'],
    component: lazy(() => import('./send/index.js')),
  },
  {
    key: 'review',
    zh: '审核',
    en: 'Review',
    group: 'work',
    actions: ['batch.review', 'template.review'],
    component: lazy(() => import('./review/index.js')),
  },
  {
    key: 'templates',
    zh: '短信模板',
    en: 'Templates',
    group: 'work',
    actions: ['template.manage', 'template.review'],
    component: lazy(() => import('./templates/index.js')),
  },
  {
    key: 'messages',
    zh: '短信查询',
    en: 'Messages',
    group: 'work',
    actions: ['message.read'],
    component: lazy(() => import('./messages/index.js')),
  },
  {
    key: 'uplinks',
    zh: '上行短信',
    en: 'Uplink inbox',
    group: 'work',
    actions: ['message.read'],
    component: lazy(() => import('./uplinks/index.js')),
  },
  {
    key: 'tickets',
    zh: '挂失工单',
    en: 'Card-loss tickets',
    group: 'citizen',
    actions: ['ticket.handle'],
    component: lazy(() => import('./tickets/index.js')),
  },
  {
    key: 'surveys',
    zh: '调查回访',
    en: 'Surveys',
    group: 'citizen',
    actions: ['survey.manage'],
    component: lazy(() => import('./surveys/index.js')),
  },
  {
    key: 'replies',
    zh: '回复模板',
    en: 'Reply texts',
    group: 'citizen',
    actions: ['config.manage'],
    component: lazy(() => import('./replies/index.js')),
  },
  {
    key: 'handset',
    zh: '模拟手机',
    en: 'Handset',
    group: 'citizen',
    actions: [],
    demoOnly: true,
    component: lazy(() => import('./handset/index.js')),
  },
  {
    key: 'apps',
    zh: '业务系统账户',
    en: 'Business systems',
    group: 'system',
    actions: ['app.manage'],
    component: lazy(() => import('./apps/index.js')),
  },
  {
    key: 'integration',
    zh: '接口对接',
    en: 'Integration',
    group: 'system',
    actions: ['app.manage'],
    component: lazy(() => import('./integration/index.js')),
  },
  {
    key: 'gateways',
    zh: '运营商网关',
    en: 'Gateways',
    group: 'system',
    actions: ['gateway.manage'],
    component: lazy(() => import('./gateways/index.js')),
  },
  {
    key: 'lists',
    zh: '黑白名单',
    en: 'Black & white lists',
    group: 'security',
    actions: ['list.manage', 'list.propose'],
    component: lazy(() => import('./lists/index.js')),
  },
  {
    key: 'words',
    zh: '敏感词',
    en: 'Sensitive words',
    group: 'security',
    actions: ['list.manage', 'list.propose'],
    component: lazy(() => import('./words/index.js')),
  },
  {
    key: 'proposals',
    zh: '变更审批',
    en: 'Changes',
    group: 'security',
    actions: ['list.manage', 'list.propose'],
    component: lazy(() => import('./proposals/index.js')),
  },
  {
    key: 'users',
    zh: '用户与角色',
    en: 'Users & roles',
    group: 'security',
    actions: ['user.manage'],
    component: lazy(() => import('./users/index.js')),
  },
  {
    key: 'audit',
    zh: '审计日志',
    en: 'Audit log',
    group: 'security',
    actions: ['audit.read'],
    component: lazy(() => import('./audit/index.js')),
  },
  {
    key: 'interface-log',
    zh: '接口访问日志',
    en: 'Interface access log',
    group: 'security',
    actions: ['audit.read'],
    component: lazy(() => import('./interface-log/index.js')),
  },
];

export function pageAllowed(page: PageDef, permissions: readonly ConsoleAction[], demo: boolean): boolean {
  if (page.demoOnly === true && !demo) return false;
  return page.actions.length === 0 || page.actions.some((a) => permissions.includes(a));
}
