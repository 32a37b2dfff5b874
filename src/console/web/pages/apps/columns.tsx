/**
 * The Apps table's columns: the account, its balance (red below 1000), what the interface checks,
 * its callbacks and certificate, and the actions on it. A new column or action goes here; a new
 * dialog or drawer it opens goes beside index.tsx and is opened through `AppActions`.
 */
import { Popconfirm, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { AppStatus, AppView } from '../../../contract/apps.js';
import { CertificateTag } from '../../components/CertificateTag.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { TEXTS } from './texts.js';

const STATUS_COLORS: Record<AppStatus, string> = {
  active: 'success',
  frozen: 'warning',
  disabled: 'default',
};

/** What a row's links do; the page owns the dialogs. */
export interface AppActions {
  edit: (app: AppView) => void;
  topUp: (app: AppView) => void;
  setStatus: (app: AppView, status: AppStatus, what: string) => void;
  resetPassword: (app: AppView) => void;
}

export function useAppColumns(actions: AppActions): TableColumnsType<AppView> {
  const t = useTexts(TEXTS);
  const confirm = (title: string, onConfirm: () => void, label: string, danger = false) => (
    <Popconfirm title={title} okText={t.ok} cancelText={t.cancel} onConfirm={onConfirm}>
      <Typography.Link {...(danger && { type: 'danger' as const })}>{label}</Typography.Link>
    </Popconfirm>
  );

  return [
    {
      title: t.name,
      dataIndex: 'name',
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (s: AppView['status']) => (
        <Tag color={STATUS_COLORS[s]} data-testid={`status-${s}`}>
          {t[s]}
        </Tag>
      ),
    },
    {
      title: t.balance,
      dataIndex: 'balance',
      align: 'right',
      render: (n: number) => (
        <Tooltip title={n < 1000 ? t.low : undefined}>
          <Typography.Text {...(n < 1000 && { type: 'danger' as const })} data-testid="app-balance">
            {n.toLocaleString()}
          </Typography.Text>
        </Tooltip>
      ),
    },
    { title: t.today, dataIndex: 'todayMessages', align: 'right', render: (n: number) => n.toLocaleString() },
    { title: t.signature, dataIndex: 'signature', render: (s: string) => s || '—' },
    { title: t.extCode, dataIndex: 'extCode', render: (s: string) => (s ? <Tag>{s}</Tag> : '—') },
    { title: t.province, dataIndex: 'province', render: (s: string | null) => s ?? '—' },
    {
      title: t.whitelist,
      dataIndex: 'ipWhitelist',
      render: (list: string[]) =>
        list.length === 0 ? (
          <Typography.Text type="secondary">{t.open}</Typography.Text>
        ) : (
          <Space size={[0, 4]} wrap>
            {list.map((c) => (
              <Tag key={c} color="blue">
                {c}
              </Tag>
            ))}
          </Space>
        ),
    },
    {
      title: t.cert,
      key: 'cert',
      render: (_, a) => (
        <CertificateTag
          cert={a.certNotAfter === null ? null : { subject: a.certSubject, notAfter: a.certNotAfter }}
          testId={`app-cert-${a.name}`}
        />
      ),
    },
    {
      title: t.callbacks,
      key: 'callbacks',
      render: (_, a) =>
        a.reportUrl || a.replyUrl ? (
          <Space orientation="vertical" size={0} style={{ fontSize: 12 }}>
            {a.reportUrl && (
              <Typography.Text ellipsis style={{ maxWidth: 200 }}>
                {t.report}: {a.reportUrl}
              </Typography.Text>
            )}
            {a.replyUrl && (
              <Typography.Text ellipsis style={{ maxWidth: 200 }}>
                {t.reply}: {a.replyUrl}
              </Typography.Text>
            )}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t.updated,
      dataIndex: 'updatedAt',
      width: 110,
      render: (ms: number, a) => (
        <Tooltip title={fill(t.createdAt, { time: beijingTime(a.createdAt) })}>
          <span style={{ fontSize: 12 }}>{beijingTime(ms)}</span>
        </Tooltip>
      ),
    },
    {
      title: t.actions,
      key: 'actions',
      width: 250,
      render: (_, a) => (
        <Space size="small" wrap>
          <Typography.Link onClick={() => actions.edit(a)}>{t.edit}</Typography.Link>
          <Typography.Link onClick={() => actions.topUp(a)} data-testid={`topup-${a.name}`}>
            {t.topUp}
          </Typography.Link>
          {a.status === 'active'
            ? confirm(
                fill(t.freezeConfirm, { name: a.name }),
                () => actions.setStatus(a, 'frozen', t.frozen),
                t.freeze,
                true,
              )
            : confirm(
                fill(t.unfreezeConfirm, { name: a.name }),
                () => actions.setStatus(a, 'active', t.active),
                t.unfreeze,
              )}
          {a.status !== 'disabled' &&
            confirm(
              fill(t.disableConfirm, { name: a.name }),
              () => actions.setStatus(a, 'disabled', t.disabled),
              t.disable,
              true,
            )}
          {confirm(
            fill(t.resetConfirm, { name: a.name }),
            () => actions.resetPassword(a),
            t.resetPassword,
            true,
          )}
        </Space>
      ),
    },
  ];
}
