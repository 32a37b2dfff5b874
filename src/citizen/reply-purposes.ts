/**
 * What each reply text is for, in Chinese and English, and the sample values the console's preview
 * fills in (realistic, masked as a citizen would see them). Keyed by every ReplyKey: adding a
 * reply in replies.ts without saying what it is for does not compile.
 */
import type { ReplyKey } from './replies.js';

export const REPLY_PURPOSES: Record<ReplyKey, { zh: string; en: string }> = {
  help: {
    zh: '帮助：市民发送未知指令或“帮助”时的指令清单',
    en: 'Help: the command list for unknown commands',
  },
  helpMore: {
    zh: '帮助（第二条）：其余标准指令和本省扩展指令',
    en: 'Help, second SMS: the other standard commands and the province’s own',
  },
  malformed: { zh: '指令格式错误时提示正确格式', en: 'A command in the wrong format, with its usage' },
  notBound: { zh: '查询类指令但本机未绑定证件', en: 'A query from a number with nothing bound' },
  ssnInvalid: { zh: '社会保障号码校验不通过', en: 'The SSN fails its check' },
  noPerson: { zh: '业务库中查无此人', en: 'No insured person with that SSN' },
  wrongPassword: { zh: '绑定时服务密码错误，提示剩余次数', en: 'Wrong service password, attempts left' },
  locked: { zh: '密码错误次数过多被锁定', en: 'Locked after too many wrong passwords' },
  bound: { zh: '绑定成功', en: 'Binding succeeded' },
  alreadyBound: { zh: '重复绑定同一证件', en: 'The same SSN bound again' },
  ownerSet: {
    zh: '再次绑定本机已绑定的证件，将其设为机主（不带参数的指令为其办理）',
    en: 'An SSN bound here bound again becomes the phone owner (commands without a parameter)',
  },
  othersBound: {
    zh: '不带参数的查询答复机主后，提示本机绑定的其他人如何查询',
    en: 'After answering for the owner: how to ask for the others bound here',
  },
  movedAway: { zh: '证件改绑到其他手机时通知原手机', en: 'Tells the old phone the SSN moved to another' },
  passwordPolicy: { zh: '新服务密码不符合规则', en: 'The new service password breaks the policy' },
  passwordChanged: { zh: '服务密码修改成功', en: 'Service password changed' },
  oldPasswordWrong: { zh: '修改密码时原密码错误', en: 'Wrong old password when changing it' },
  unbound: { zh: '解除绑定成功', en: 'Unbinding succeeded' },
  unbindWhich: { zh: '绑定多个证件时请市民指明解绑哪个', en: 'Several SSNs bound: which one to unbind' },
  unbindNotFound: { zh: '要解绑的证件未与本机绑定', en: 'The SSN to unbind is not bound here' },
  serviceCancelled: { zh: '取消全部短信服务', en: 'All SMS services cancelled' },
  unsubscribed: { zh: '退订通知短信（TD）', en: 'Unsubscribed from notices (TD)' },
  resubscribed: { zh: '恢复接收通知短信（KT）', en: 'Notices resumed (KT)' },
  nameNone: { zh: '按姓名查询但绑定证件中无此姓名', en: 'No bound person with that name' },
  nameMany: { zh: '按姓名查询但有多人重名', en: 'Several bound people share the name' },
  insurance: { zh: '参保信息查询结果（CBXX）', en: 'Insurance status (CBXX)' },
  insuranceNone: { zh: '查无参保记录', en: 'No insurance records' },
  pension: { zh: '养老个人账户余额查询结果（YLZHYE）', en: 'Pension account balance (YLZHYE)' },
  pensionNone: { zh: '无养老个人账户信息', en: 'No pension account' },
  cardLossAccepted: { zh: '社保卡挂失已受理（LSGS）', en: 'Card loss accepted (LSGS)' },
  cardLossOpen: {
    zh: '同一人的挂失尚未办结时再次挂失，答复已有的受理号',
    en: 'A second card-loss report while the first is open: its request number',
  },
  cardLossDone: {
    zh: '社保卡挂失办理完成（{result}为经办人填写的说明，未填写时为补卡提示）',
    en: 'Card loss done ({result}: the handler’s note, else how to get a new card)',
  },
  cardLossRejected: { zh: '社保卡挂失未能办理', en: 'Card loss could not be done' },
  ticketAccepted: { zh: '其他业务申请已受理', en: 'Another request accepted' },
  ticketDone: { zh: '业务申请办结通知', en: 'A request completed' },
  backendDown: { zh: '业务系统暂不可用时的致歉', en: 'The business backend is unavailable' },
  tooMany: {
    zh: '同一号码指令过于频繁（citizen.commandLimit）：窗口内只答复一次',
    en: 'Too many commands from one number (citizen.commandLimit): answered once per window',
  },
};

/** Values the preview fills in: what a citizen typically sees. */
export const REPLY_SAMPLES: Readonly<Record<string, string>> = {
  name: '张*',
  ssn: '1101**********123X',
  tail: '5678',
  left: '2',
  until: '11月29日18:30',
  reason: '密码须为6位数字',
  usage: 'BD#证件号#密码',
  count: '2',
  query: '张三',
  command: 'CBXX',
  example: '张三',
  insurances: '养老正常,医疗正常',
  balance: '35210.50',
  asOf: '2026-10',
  requestNo: 'GS20261129',
  result: '已办结，请到经办网点领取',
  minutes: '10',
};
