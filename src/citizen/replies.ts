/**
 * What the platform answers a citizen (§6.3, §7.2–§7.4): zh-CN texts with `{variables}`, built in
 * here and editable by operators (table reply_templates). Each must fit one SMS together with the
 * signature, for the longest values a variable can plausibly take (test/citizen/replies.test.ts):
 * a citizen should never get half an answer.
 */
import { measureText } from '../domain/text/index.js';

export const REPLY_DEFAULTS = {
  help: '回复BD#证件号#密码绑定,CBXX#查参保,YLZHYE#查养老余额,LSGS#挂失社保卡,QXBD#解绑,TD#退订',
  helpMore: '另可发MMCZ#原密码#新密码改密码,QXFW#取消全部服务{extensions}',
  malformed: '指令格式有误，正确格式为：{usage}',
  notBound: '本机尚未绑定社会保障号码，请先发送BD#社会保障号码#服务密码绑定。',
  ssnInvalid: '社会保障号码{ssn}有误({reason})，请核对后重新发送。',
  noPerson: '未查到社会保障号码{ssn}的参保信息，请核对或致电12333。',
  wrongPassword: '服务密码错误，还可再试{left}次，忘记密码请到经办机构重置。',
  locked: '密码错误次数过多，已锁定至{until}，届时再试或致电12333。',
  bound: '{name}({ssn})已与本机绑定，发送CBXX#可查询参保信息。',
  alreadyBound: '{name}({ssn})已与本机绑定，无需重复绑定。',
  ownerSet: '{name}({ssn})已设为本机机主，不带姓名的查询和挂失都将办理其业务。',
  othersBound: '本机另绑定{count}人，为其办理请在指令后加姓名，如{command}#{example}。',
  movedAway: '{name}({ssn})的短信服务已改绑到尾号{tail}的手机，如非本人操作请致电12333。',
  passwordPolicy: '新密码不符合要求：{reason}，请重新设置。',
  passwordChanged: '{name}({ssn})的服务密码已修改，请妥善保管。',
  oldPasswordWrong: '原密码与本机绑定的证件均不符，还可再试{left}次。',
  unbound: '已解除{name}({ssn})与本机的绑定。',
  unbindWhich: '本机绑定了{count}个证件，请发送QXBD#社会保障号码解除其中一个。',
  unbindNotFound: '本机未绑定社会保障号码{ssn}。',
  serviceCancelled: '已取消本机全部12333短信服务，不再发送通知。需要时可发送KT#恢复。',
  unsubscribed: '已退订12333通知短信，查询等服务不受影响。需要时可发送KT#恢复。',
  resubscribed: '已恢复接收12333通知短信。',
  nameNone: '本机绑定的证件中没有“{query}”，请核对姓名或发送证件号后4位。',
  nameMany: '本机绑定的证件中有{count}人名为“{query}”，请改发证件号后4位。',
  insurance: '{name}({ssn})参保:{insurances}。',
  insuranceNone: '{name}({ssn})暂无参保记录。',
  pension: '{name}({ssn})养老个人账户余额{balance}元(截至{asOf})。',
  pensionNone: '{name}({ssn})暂无养老保险个人账户信息。',
  cardLossAccepted: '已受理{name}社保卡临时挂失，受理号{requestNo}，办理结果将短信告知。',
  cardLossOpen: '{name}社保卡挂失已在办理中，受理号{requestNo}，办理结果将短信告知。',
  cardLossDone: '{name}社保卡已临时挂失(受理号{requestNo})。{result}',
  cardLossRejected: '受理号{requestNo}的挂失未能办理：{reason}。请致电12333。',
  ticketAccepted: '您的申请已受理，受理号{requestNo}，办理结果将短信告知。',
  ticketDone: '受理号{requestNo}已办结：{result}',
  backendDown: '系统繁忙，您的请求已记录，请稍后再试。',
  tooMany: '您发送的指令过于频繁，请{minutes}分钟后再试。',
} as const;

export type ReplyKey = keyof typeof REPLY_DEFAULTS;
export const REPLY_KEYS = Object.keys(REPLY_DEFAULTS) as ReplyKey[];

export function isReplyKey(key: string): key is ReplyKey {
  return Object.hasOwn(REPLY_DEFAULTS, key);
}

/** The `{variables}` a text uses. */
export function variablesOf(content: string): string[] {
  return [...content.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1] ?? '');
}

/**
 * Fills `{variables}`; one without a value stays visible rather than vanishing silently. A value is
 * cut to its variable's longest plausible length (LONGEST_VALUES): an echoed part of what the
 * citizen sent (`BD#` and 2,000 digits) must not turn an answer into many charged messages.
 */
export function renderReply(content: string, values: Readonly<Record<string, string | number>>): string {
  return content.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    const v = values[name];
    return v === undefined ? whole : cut(String(v), Array.from(LONGEST_VALUES[name] ?? '').length || 24);
  });
}

function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The longest value each variable can plausibly take: a six-character name masked (a Uyghur
 * name with its dot), an 18-character masked SSN, every insurance abbreviated, a balance in the
 * millions, a four-digit count.
 */
export const LONGEST_VALUES: Readonly<Record<string, string>> = {
  name: '买******',
  ssn: '6501**********123X',
  tail: '8000',
  left: '4',
  until: '12月31日23:59',
  reason: '密码不能用证件号码末6位、出生日期或手机号码',
  usage: 'MMCZ#原密码#新密码',
  count: '12',
  query: '买买提·艾力',
  command: 'YLZHYE',
  example: '买买提·艾力',
  insurances: '养老正常,医疗正常,失业正常,工伤正常,生育正常',
  balance: '1234567.89',
  asOf: '2026-11',
  requestNo: 'GS12345678',
  result: '已办结，请持证件到经办网点领取',
  minutes: '1440',
  extensions: ',KT#恢复接收通知短信,ZXCX#查询',
};

const HELP_EXTENSIONS_BUDGET = ',KT#恢复接收通知短信,ZXCX#查询'.length;

/** The province's own commands as the second help SMS lists them; codes alone when the descriptions would not fit. */
export function helpExtensions(extensions: readonly { code: string; description: string }[]): string {
  const full = extensions.map((e) => `,${e.code.toUpperCase()}#${e.description}`).join('');
  return full.length <= HELP_EXTENSIONS_BUDGET
    ? full
    : extensions.map((e) => `,${e.code.toUpperCase()}#`).join('');
}

/** Whether the text with the signature is one SMS on every route. */
export function fitsOneSms(text: string, signature: string): boolean {
  return (
    measureText(signature + text, 'cn').segments === 1 && measureText(signature + text, 'gsm').segments === 1
  );
}

/** Why an operator's edit cannot be saved, or null: unknown variables, or too long for one SMS. */
export function checkReplyEdit(key: ReplyKey, content: string, signature: string): string | null {
  const allowed = new Set(variablesOf(REPLY_DEFAULTS[key]));
  const unknown = variablesOf(content).filter((v) => !allowed.has(v));
  if (unknown.length > 0) return `未知变量 ${unknown.map((v) => `{${v}}`).join('、')}`;
  if (content.trim() === '') return '内容不能为空';
  if (!fitsOneSms(renderReply(content, LONGEST_VALUES), signature))
    return '代入最长的变量值后超过一条短信，请精简';
  return null;
}
