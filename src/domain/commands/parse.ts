/**
 * Reading a citizen's uplink as a command (§6.3, Table 1; docs/design.md §5 Commands). The eight Table 1
 * commands are data below; provinces add their own by configuration (§6.3.2: "按照编码规则进行
 * 扩充"), and a built-in code always wins over an extension that reuses it.
 *
 * After normalising (normalise.ts) a text is: the code (its leading letters), then parameters
 * separated by `#`. Also read, because people type them:
 * - no `#` at all, spaces separating (`BD 2101… 802613`, `cbxx 张三`);
 * - no separator after the code (`BD2101…#802613`, `CBXX张三`): codes are letters only, so the
 *   code ends where the first non-letter begins (and `CBXXJOHN` is an unknown code);
 * - spaces after `BD#` or `MMCZ#` where the other `#` was meant (`BD#2101… 802613`): with no
 *   `#` after the code, spaces separate; spaces inside an SSN parameter are dropped
 *   (`BD#2101 0219 …#802613`).
 * A name keeps inner spaces (`CBXX#JOHN SMITH`). §6.3.1 d: a command without its parameter is for
 * the sender himself — `QXBD#`, `CBXX#`, `YLZHYE#`, `LSGS#` give `null`.
 *
 * The parser does not validate values: whether an SSN is valid, a password right or a name bound
 * is the engine's business, with the reply that goes with each.
 */
import { normaliseCommandText } from './normalise.js';

/** What a parameter holds: decides how spaces in it are read and whether masking may show it. */
export type ParamKind = 'ssn' | 'password' | 'name' | 'text';

export interface ParamSpec {
  readonly kind: ParamKind;
  readonly optional: boolean;
}

const SSN: ParamSpec = { kind: 'ssn', optional: false };
const PASSWORD: ParamSpec = { kind: 'password', optional: false };
const OPTIONAL_SSN: ParamSpec = { kind: 'ssn', optional: true };
const OPTIONAL_NAME: ParamSpec = { kind: 'name', optional: true };

/** Table 1: category (业务大类), description (指令描述) and the form to send (短信内容). */
export const BUILTIN_COMMANDS = {
  TD: { category: '管理类', description: '退订短信通知业务', usage: 'TD#', params: [] },
  BD: {
    category: '管理类',
    description: '建立发送短信的手机号和社会保障号码的绑定关系',
    usage: 'BD#社会保障号码#密码',
    params: [SSN, PASSWORD],
  },
  QXBD: {
    category: '管理类',
    description: '取消发送短信的手机号和社会保障号码的绑定关系',
    usage: 'QXBD#社会保障号码',
    params: [OPTIONAL_SSN],
  },
  QXFW: { category: '管理类', description: '取消手机发送人的短信服务业务', usage: 'QXFW#', params: [] },
  MMCZ: {
    category: '管理类',
    description: '短信服务密码重置（修改）',
    usage: 'MMCZ#原密码#新密码',
    params: [PASSWORD, PASSWORD],
  },
  CBXX: {
    category: '查询类',
    description: '查询短信中指定参保人的参保信息',
    usage: 'CBXX#参保人姓名',
    params: [OPTIONAL_NAME],
  },
  YLZHYE: {
    category: '查询类',
    description: '查询短信中指定参保人的养老保险个人账户余额',
    usage: 'YLZHYE#参保人姓名',
    params: [OPTIONAL_NAME],
  },
  LSGS: {
    category: '业务办理类',
    description: '临时挂失社会保障卡',
    usage: 'LSGS#参保人姓名',
    params: [OPTIONAL_NAME],
  },
} as const satisfies Record<
  string,
  { category: string; description: string; usage: string; params: readonly ParamSpec[] }
>;

export type BuiltinCode = keyof typeof BUILTIN_COMMANDS;
export const BUILTIN_CODES = Object.keys(BUILTIN_COMMANDS) as readonly BuiltinCode[];

export function isBuiltinCode(code: string): code is BuiltinCode {
  return Object.hasOwn(BUILTIN_COMMANDS, code);
}

/**
 * A province's command as configured (other fields, such as its handler, are the engine's): a
 * code of letters, and parameter names in order, `?` before the name of an optional one
 * (optional ones last).
 */
export interface ExtensionDefinition {
  readonly code: string;
  readonly params: readonly string[];
}

/** What the engine switches on. */
export type Command =
  | { kind: 'TD' }
  | { kind: 'QXFW' }
  | { kind: 'BD'; ssn: string; password: string }
  /** `ssn: null`: `QXBD#` without a number — the phone's only binding. */
  | { kind: 'QXBD'; ssn: string | null }
  | { kind: 'MMCZ'; oldPassword: string; newPassword: string }
  /** `name: null`: the command without a name — the sender himself (§6.3.1 d). */
  | { kind: 'CBXX' | 'YLZHYE' | 'LSGS'; name: string | null }
  /** `code` upper-case; `params` by configured name (without `?`), absent optional ones left out. */
  | { kind: 'extension'; code: string; params: Record<string, string> }
  /** A known code with the wrong number of parameters; `usage` is the form to send (Table 1). */
  | { kind: 'malformed'; command: string; usage: string }
  | { kind: 'unknown' };

/** A command's code with its parameters split as its definition says; shared with the masker. */
export interface SplitCommand {
  code: string;
  usage: string;
  specs: readonly ParamSpec[];
  /** Extension parameter names, in order; empty for a built-in. */
  names: readonly string[];
  params: string[];
  /** The number of parameters is one the definition accepts. */
  wellFormed: boolean;
}

function extensionUsage(code: string, names: readonly string[]): string {
  return names.length === 0 ? `${code}#` : [code, ...names].join('#');
}

function definitionOf(
  code: string,
  extensions: readonly ExtensionDefinition[],
): Omit<SplitCommand, 'params' | 'wellFormed'> | null {
  if (isBuiltinCode(code)) {
    const b = BUILTIN_COMMANDS[code];
    return { code, usage: b.usage, specs: b.params, names: [] };
  }
  const ext = extensions.find((e) => e.code.toUpperCase() === code);
  if (!ext) return null;
  const names = ext.params.map((p) => p.replace(/^\?/, ''));
  return {
    code,
    usage: extensionUsage(code, names),
    // A parameter called `name` holds a person's name, masked at rest like CBXX's (mask.ts).
    specs: ext.params.map((p, i) => ({
      kind: names[i] === 'name' ? 'name' : 'text',
      optional: p.startsWith('?'),
    })),
    names,
  };
}

/**
 * `#` separates when there is one after the code; otherwise spaces do, except that the only
 * parameter of a one-parameter command takes the whole rest (`CBXX JOHN SMITH`).
 */
function splitParams(rest: string, specs: readonly ParamSpec[]): string[] {
  if (rest === '') return [];
  const parts = rest.includes('#') ? rest.split('#') : specs.length <= 1 ? [rest] : rest.split(' ');
  return parts.map((part, i) => (specs[i]?.kind === 'ssn' ? part.replace(/ /g, '') : part));
}

/** The code and raw parameters of a text; null when it does not start with a known code. */
export function splitCommand(
  text: string,
  extensions: readonly ExtensionDefinition[] = [],
): SplitCommand | null {
  const normalised = normaliseCommandText(text);
  const head = /^[A-Z]+/.exec(normalised)?.[0];
  if (head === undefined) return null;
  const definition = definitionOf(head, extensions);
  if (!definition) return null;
  // One separator (normalising left at most one) between the code and its first parameter, or none.
  const rest = normalised.slice(head.length).replace(/^[# ]/, '');
  const params = splitParams(rest, definition.specs);
  const required = definition.specs.filter((s) => !s.optional).length;
  return {
    ...definition,
    params,
    wellFormed: params.length >= required && params.length <= definition.specs.length,
  };
}

function buildBuiltin(code: BuiltinCode, p: readonly string[]): Command {
  switch (code) {
    case 'TD':
    case 'QXFW':
      return { kind: code };
    case 'BD':
      return { kind: 'BD', ssn: p[0] ?? '', password: p[1] ?? '' };
    case 'QXBD':
      return { kind: 'QXBD', ssn: p[0] ?? null };
    case 'MMCZ':
      return { kind: 'MMCZ', oldPassword: p[0] ?? '', newPassword: p[1] ?? '' };
    case 'CBXX':
    case 'YLZHYE':
    case 'LSGS':
      return { kind: code, name: p[0] ?? null };
  }
}

/** Reads a citizen's text as a command; `extensions` are the province's configured commands. */
export function parseCommand(text: string, extensions: readonly ExtensionDefinition[] = []): Command {
  const split = splitCommand(text, extensions);
  if (!split) return { kind: 'unknown' };
  if (!split.wellFormed) return { kind: 'malformed', command: split.code, usage: split.usage };
  if (isBuiltinCode(split.code)) return buildBuiltin(split.code, split.params);
  const params: Record<string, string> = {};
  split.params.forEach((value, i) => {
    const name = split.names[i];
    if (name !== undefined) params[name] = value;
  });
  return { kind: 'extension', code: split.code, params };
}
