/**
 * Console roles and what each may do (standard §8.1 a; 等保 2.0 三员分立). The three
 * administrator roles — system, security, audit — are mutually exclusive: one person never holds two
 * of them, so no single account can both act and erase the trace of acting. The other roles combine
 * freely with each other and with at most one administrator role.
 */
export const CONSOLE_ROLES = [
  'system-admin',
  'security-admin',
  'auditor',
  'operator',
  'reviewer',
  'case-handler',
] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** 三员: at most one of these per user. */
export const EXCLUSIVE_ROLES: readonly ConsoleRole[] = ['system-admin', 'security-admin', 'auditor'];

export const CONSOLE_ACTIONS = [
  'user.manage',
  'role.assign',
  'security.settings',
  'app.manage',
  'gateway.manage',
  'config.manage',
  'audit.read',
  'audit.export',
  'message.send',
  'message.read',
  'template.manage',
  'template.review',
  'batch.review',
  'list.manage',
  /** Add sensitive words and black-list numbers (only tightens filtering); not edit or remove. */
  'list.propose',
  'survey.manage',
  'ticket.handle',
  'stats.read',
] as const;
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];

/** Role → allowed actions. Anything not listed is denied. */
export const PERMISSIONS: Readonly<Record<ConsoleRole, readonly ConsoleAction[]>> = {
  'system-admin': ['app.manage', 'gateway.manage', 'config.manage', 'stats.read'],
  'security-admin': ['user.manage', 'role.assign', 'security.settings', 'list.manage'],
  auditor: ['audit.read', 'audit.export'],
  // Filter rules and lists are the security administrator's (separation of duties): an operator
  // may add to them, which only blocks more, but never loosen or remove them.
  operator: [
    'message.send',
    'message.read',
    'template.manage',
    'list.propose',
    'survey.manage',
    'stats.read',
  ],
  reviewer: ['template.review', 'batch.review', 'message.read', 'stats.read'],
  'case-handler': ['ticket.handle', 'message.read'],
};

export function isConsoleRole(value: string): value is ConsoleRole {
  return (CONSOLE_ROLES as readonly string[]).includes(value);
}

export function can(roles: readonly ConsoleRole[], action: ConsoleAction): boolean {
  return roles.some((r) => PERMISSIONS[r].includes(action));
}

export type RoleSetProblem =
  { kind: 'empty' } | { kind: 'unknown'; role: string } | { kind: 'exclusive'; roles: ConsoleRole[] };

/** Parses a comma-separated role list and checks separation of duties; no duplicates in the result. */
export function parseRoles(text: string): { roles: ConsoleRole[] } | { problem: RoleSetProblem } {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (names.length === 0) return { problem: { kind: 'empty' } };
  const roles: ConsoleRole[] = [];
  for (const name of names) {
    if (!isConsoleRole(name)) return { problem: { kind: 'unknown', role: name } };
    roles.push(name);
  }
  const admins = roles.filter((r) => EXCLUSIVE_ROLES.includes(r));
  if (admins.length > 1) return { problem: { kind: 'exclusive', roles: admins } };
  return { roles };
}
