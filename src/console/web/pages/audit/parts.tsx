/**
 * The Audit page's pieces: names and colours of kinds and results, actions and page keys in words,
 * and the entry drawer.
 */
import { Descriptions, Drawer, Tag, Typography } from 'antd';
import type { AuditEntry as AuditEntryView } from '../../../contract/audit.js';
import type { ConsoleRole } from '../../../../domain/console-roles.js';
import { beijingTime, defineTexts, ROLE_NAMES, useLang, useTexts, type Lang } from '../../i18n.js';
import { PAGES } from '../registry.js';

export type { AuditEntryView };
export type AuditKind = AuditEntryView['kind'];
export type AuditResult = AuditEntryView['result'];

export const KIND_NAMES: Record<AuditKind, { zh: string; en: string; color: string }> = {
  access: { zh: '访问', en: 'Access', color: 'blue' },
  operation: { zh: '操作', en: 'Operation', color: 'orange' },
  data: { zh: '数据', en: 'Data', color: 'purple' },
};

export const RESULT_NAMES: Record<AuditResult, { zh: string; en: string; color: string }> = {
  ok: { zh: '成功', en: 'OK', color: 'success' },
  denied: { zh: '拒绝', en: 'Denied', color: 'warning' },
  failed: { zh: '失败', en: 'Failed', color: 'error' },
};

/** Readable names of the actions the console writes; others show as written. */
const ACTION_NAMES: Record<string, { zh: string; en: string }> = {
  login: { zh: '登录', en: 'Log in' },
  logout: { zh: '退出', en: 'Log out' },
  'page.view': { zh: '浏览页面', en: 'Page view' },
  'password.change': { zh: '修改密码', en: 'Change password' },
  'totp.enrol': { zh: '绑定动态口令', en: 'Enrol one-time code' },
  'user.create': { zh: '新建用户', en: 'Create user' },
  'user.roles': { zh: '修改角色', en: 'Change roles' },
  'user.disable': { zh: '停用用户', en: 'Disable user' },
  'user.enable': { zh: '启用用户', en: 'Enable user' },
  'user.reset-password': { zh: '重置密码', en: 'Reset password' },
  'user.unlock': { zh: '解锁用户', en: 'Unlock user' },
  'user.reset-totp': { zh: '重置动态口令', en: 'Reset one-time code' },
  'export.audit': { zh: '导出审计日志', en: 'Export audit log' },
  'audit.verify': { zh: '校验审计日志', en: 'Verify audit log' },
  'audit.export': { zh: '导出审计日志(命令行)', en: 'Export audit log (CLI)' },
  'audit.prune': { zh: '清理过期审计日志', en: 'Prune old audit entries' },
  send: { zh: '发送短信', en: 'Send messages' },
  'template.create': { zh: '新建模板', en: 'Create template' },
  'template.update': { zh: '修改模板', en: 'Edit template' },
  'template.delete': { zh: '删除模板', en: 'Delete template' },
  'template.approve': { zh: '模板审核通过', en: 'Approve template' },
  'template.reject': { zh: '模板审核驳回', en: 'Reject template' },
  'review.approve': { zh: '批次审核通过', en: 'Approve held batch' },
  'review.reject': { zh: '批次审核驳回', en: 'Reject held batch' },
  'export.messages': { zh: '导出短信记录', en: 'Export messages' },
  'export.list': { zh: '导出名单', en: 'Export list' },
  'export.interface-log': { zh: '导出接口访问日志', en: 'Export interface access log' },
  unmask: { zh: '查看完整号码', en: 'Unmask a number' },
  'list.add': { zh: '名单添加号码', en: 'Add to list' },
  'list.remove': { zh: '名单移出号码', en: 'Remove from list' },
  'word.add': { zh: '添加敏感词', en: 'Add sensitive words' },
  'word.update': { zh: '修改敏感词', en: 'Change sensitive word' },
  'word.remove': { zh: '删除敏感词', en: 'Remove sensitive word' },
  'ticket.take': { zh: '工单接单', en: 'Take ticket' },
  'ticket.complete': { zh: '工单办结', en: 'Complete ticket' },
  'survey.create': { zh: '新建调查', en: 'Create survey' },
  'survey.send': { zh: '发送调查', en: 'Send survey' },
  'survey.close': { zh: '结束调查', en: 'Close survey' },
  'survey.export': { zh: '导出调查结果', en: 'Export survey results' },
  'handset.mo': { zh: '模拟手机发送', en: 'Handset text' },
  'app.create': { zh: '新建业务系统账户', en: 'Create account' },
  'app.edit': { zh: '修改业务系统账户', en: 'Edit account' },
  'app.freeze': { zh: '冻结账户', en: 'Freeze account' },
  'app.unfreeze': { zh: '解冻账户', en: 'Unfreeze account' },
  'app.disable': { zh: '停用账户', en: 'Disable account' },
  'app.top-up': { zh: '账户充值', en: 'Top up account' },
  'app.reset-password': { zh: '重置接入密码', en: 'Reset access password' },
  'app.callback-secret': { zh: '更换回调密钥', en: 'New callback secret' },
  'app.callback-retry': { zh: '重试失败的回调', en: 'Retry failed callbacks' },
  'app.sftp': { zh: '修改 SFTP 登录凭据', en: 'Change SFTP logins' },
  'app.unlock': { zh: '解除密码锁定', en: 'Lift password lock' },
  'reply.edit': { zh: '修改回复模板', en: 'Edit reply text' },
  'reply.reset': { zh: '恢复默认回复', en: 'Reset reply text' },
  'gateway.pause': { zh: '暂停网关', en: 'Pause gateway' },
  'gateway.resume': { zh: '恢复网关', en: 'Resume gateway' },
  'gateway.tune': { zh: '调整网关限速或窗口', en: 'Tune gateway' },
  'gateway.enable': { zh: '启用网关', en: 'Enable gateway' },
  'gateway.disable': { zh: '停用网关', en: 'Disable gateway' },
  'gateway.add': { zh: '添加网关', en: 'Add gateway' },
  'gateway.remove': { zh: '删除网关', en: 'Remove gateway' },
};

export function actionName(action: string, lang: Lang): string | null {
  return ACTION_NAMES[action]?.[lang] ?? null;
}

/** The stored role list (comma-separated) in words. */
export function rolesText(role: string | null, lang: Lang): string {
  if (role === null || role === '') return '—';
  return role
    .split(',')
    .map((r) => (r in ROLE_NAMES ? ROLE_NAMES[r as ConsoleRole][lang] : r))
    .join(lang === 'zh' ? '、' : ', ');
}

const TEXTS = defineTexts({
  zh: {
    title: '审计记录 #{seq}',
    time: '时间（北京时间）',
    kind: '类别',
    actor: '操作人',
    role: '角色',
    source: '来源地址',
    action: '操作',
    target: '对象',
    result: '结果',
    detail: '详情（JSON）',
    hash: '哈希',
  },
  en: {
    title: 'Audit entry #{seq}',
    time: 'Time (Beijing)',
    kind: 'Kind',
    actor: 'Actor',
    role: 'Roles',
    source: 'Source',
    action: 'Action',
    target: 'Target',
    result: 'Result',
    detail: 'Detail (JSON)',
    hash: 'Hash',
  },
});

export function AuditDrawer({ entry, onClose }: { entry: AuditEntryView | null; onClose: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  return (
    <Drawer
      open={entry !== null}
      onClose={onClose}
      size={560}
      title={entry ? t.title.replace('{seq}', String(entry.seq)) : ''}
    >
      {entry && (
        <Descriptions column={1} bordered size="small" data-testid="audit-drawer">
          <Descriptions.Item label={t.time}>{beijingTime(entry.at)}</Descriptions.Item>
          <Descriptions.Item label={t.kind}>
            <Tag color={KIND_NAMES[entry.kind].color}>{KIND_NAMES[entry.kind][lang]}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t.actor}>{entry.actor}</Descriptions.Item>
          <Descriptions.Item label={t.role}>{rolesText(entry.role, lang)}</Descriptions.Item>
          <Descriptions.Item label={t.source}>{entry.sourceIp ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t.action}>
            {actionName(entry.action, lang) ?? ''} <Typography.Text code>{entry.action}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t.target}>{entry.target ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t.result}>
            <Tag color={RESULT_NAMES[entry.result].color}>{RESULT_NAMES[entry.result][lang]}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t.detail}>
            <pre
              data-testid="audit-detail-json"
              style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}
            >
              {JSON.stringify(entry.detail, null, 2)}
            </pre>
          </Descriptions.Item>
          <Descriptions.Item label={t.hash}>
            <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
              {entry.hash}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}

/** Page keys (`send`, `messages`) in the operator's words, as the menu names them. */
export function targetText(action: string, target: string | null, lang: 'zh' | 'en'): string {
  if (target === null) return '—';
  if (action !== 'page.view') return target;
  const page = PAGES.find((p) => p.key === target);
  return page ? `${page[lang]}（${target}）` : target;
}

/** A known action by name; an API call as its method and the path below /console/api. */
export function ActionCell({ action }: { action: string }) {
  const lang = useLang();
  const name = actionName(action, lang);
  if (name !== null) return <span title={action}>{name}</span>;
  const api = /^api (\w+) \/console\/api(\/.*)$/.exec(action);
  if (api)
    return (
      <span title={action}>
        <Tag variant="filled" style={{ marginRight: 4, fontSize: 11 }}>
          {api[1]}
        </Tag>
        <Typography.Text style={{ fontSize: 12 }}>{api[2]}</Typography.Text>
      </span>
    );
  return (
    <Typography.Text code style={{ fontSize: 12 }}>
      {action}
    </Typography.Text>
  );
}
