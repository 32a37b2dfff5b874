/**
 * Business-system accounts: the system administrator's page. Create, edit, top up,
 * freeze/unfreeze/disable and reset the access password; a new password is shown once.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Button,
  Card,
  Input,
  message as antMessage,
  Popconfirm,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../api.js';
import { AppDialog, AppPasswordDialog, TopUpDialog, type AppRow } from '../components/AppsDialogs.js';
import { CertificateTag } from '../components/CertificateTag.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '业务系统账户',
    search: '按账户名或签名筛选',
    add: '新建账户',
    refresh: '刷新',
    name: '账户名',
    status: '状态',
    active: '正常',
    frozen: '已冻结',
    disabled: '已停用',
    balance: '余额（条）',
    low: '余额不足 1000 条',
    signature: '签名',
    extCode: '扩展码',
    province: '省份',
    whitelist: 'IP 白名单',
    open: '未设置',
    callbacks: '回调地址',
    cert: '客户端证书',
    report: '状态报告',
    reply: '上行',
    today: '今日发送',
    updated: '更新时间',
    createdAt: '创建于 {time}',
    actions: '操作',
    edit: '编辑',
    topUp: '充值',
    freeze: '冻结',
    freezeConfirm: '冻结 {name}？冻结后该系统调用接口将返回代码 6，已排队的短信继续发送。',
    unfreeze: '解冻',
    unfreezeConfirm: '解冻 {name}？该系统将恢复调用接口。',
    disable: '停用',
    disableConfirm: '停用 {name}？停用后该账户不再可用，如需恢复请解冻。',
    resetPassword: '重置密码',
    resetConfirm: '重置 {name} 的接入密码？旧密码立即失效，业务系统须改用新密码。',
    ok: '确定',
    cancel: '取消',
    created: '已创建账户 {name}',
    saved: '已保存 {name}',
    toppedUp: '充值成功，当前余额 {n} 条',
    statusDone: '{name}：{what}',
    empty: '暂无业务系统账户',
    total: '共 {n} 个账户',
    sumAccounts: '账户数',
    sumActive: '正常',
    sumFrozen: '冻结/停用',
    sumToday: '今日发送（条）',
  },
  en: {
    title: 'Business-system accounts',
    search: 'Filter by name or signature',
    add: 'New account',
    refresh: 'Refresh',
    name: 'Name',
    status: 'Status',
    active: 'Active',
    frozen: 'Frozen',
    disabled: 'Disabled',
    balance: 'Balance (segments)',
    low: 'Below 1000 segments',
    signature: 'Signature',
    extCode: 'Ext. code',
    province: 'Province',
    whitelist: 'IP whitelist',
    open: 'not set',
    callbacks: 'Callbacks',
    cert: 'Client certificate',
    report: 'Reports',
    reply: 'Replies',
    today: 'Sent today',
    updated: 'Updated',
    createdAt: 'Created {time}',
    actions: 'Actions',
    edit: 'Edit',
    topUp: 'Top up',
    freeze: 'Freeze',
    freezeConfirm: 'Freeze {name}? Its interface calls will answer code 6; queued messages still go.',
    unfreeze: 'Unfreeze',
    unfreezeConfirm: 'Unfreeze {name}? It can call the interface again.',
    disable: 'Disable',
    disableConfirm: 'Disable {name}? The account can no longer be used until unfrozen.',
    resetPassword: 'Reset password',
    resetConfirm: "Reset {name}'s access password? The old one stops working at once.",
    ok: 'OK',
    cancel: 'Cancel',
    created: 'Account {name} created',
    saved: '{name} saved',
    toppedUp: 'Topped up; balance now {n} segments',
    statusDone: '{name}: {what}',
    empty: 'No business-system accounts',
    total: '{n} accounts',
    sumAccounts: 'Accounts',
    sumActive: 'Active',
    sumFrozen: 'Frozen/disabled',
    sumToday: 'Sent today',
  },
});

const STATUS_COLORS: Record<AppRow['status'], string> = {
  active: 'success',
  frozen: 'warning',
  disabled: 'default',
};

export default function AppsPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [apps, setApps] = useState<AppRow[]>([]);
  const [surveyPrefix, setSurveyPrefix] = useState('9');
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<{ app: AppRow | null } | null>(null);
  const [toppingUp, setToppingUp] = useState<AppRow | null>(null);
  const [password, setPassword] = useState<{ name: string; password: string } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const answer = await api.get<{ apps: AppRow[]; surveyExtPrefix: string }>('apps');
      setApps(answer.apps);
      setSurveyPrefix(answer.surveyExtPrefix);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [lang, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const setStatus = async (app: AppRow, status: AppRow['status'], what: string) => {
    try {
      await api.post(`apps/${app.id}/status`, { status });
      void message.success(fill(t.statusDone, { name: app.name, what }));
    } catch (err) {
      void message.error(errorText(lang, err));
    }
    await load();
  };
  const resetPassword = async (app: AppRow) => {
    try {
      const answer = await api.post<{ password: string }>(`apps/${app.id}/reset-password`, {});
      setPassword({ name: app.name, password: answer.password });
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return apps.filter((a) => a.name.toLowerCase().includes(f) || a.signature.includes(filter.trim()));
  }, [apps, filter]);

  const confirm = (title: string, onConfirm: () => void, label: string, danger = false) => (
    <Popconfirm title={title} okText={t.ok} cancelText={t.cancel} onConfirm={onConfirm}>
      <Typography.Link {...(danger && { type: 'danger' as const })}>{label}</Typography.Link>
    </Popconfirm>
  );

  const columns: TableColumnsType<AppRow> = [
    {
      title: t.name,
      dataIndex: 'name',
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (s: AppRow['status']) => (
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
          <Typography.Link onClick={() => setEditing({ app: a })}>{t.edit}</Typography.Link>
          <Typography.Link onClick={() => setToppingUp(a)} data-testid={`topup-${a.name}`}>
            {t.topUp}
          </Typography.Link>
          {a.status === 'active'
            ? confirm(
                fill(t.freezeConfirm, { name: a.name }),
                () => void setStatus(a, 'frozen', t.frozen),
                t.freeze,
                true,
              )
            : confirm(
                fill(t.unfreezeConfirm, { name: a.name }),
                () => void setStatus(a, 'active', t.active),
                t.unfreeze,
              )}
          {a.status !== 'disabled' &&
            confirm(
              fill(t.disableConfirm, { name: a.name }),
              () => void setStatus(a, 'disabled', t.disabled),
              t.disable,
              true,
            )}
          {confirm(
            fill(t.resetConfirm, { name: a.name }),
            () => void resetPassword(a),
            t.resetPassword,
            true,
          )}
        </Space>
      ),
    },
  ];

  const sums = {
    accounts: apps.length,
    active: apps.filter((a) => a.status === 'active').length,
    frozen: apps.filter((a) => a.status !== 'active').length,
    today: apps.reduce((n, a) => n + a.todayMessages, 0),
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {messageHolder}
      <Card>
        <Space size={48} wrap>
          <Statistic title={t.sumAccounts} value={sums.accounts} />
          <Statistic title={t.sumActive} value={sums.active} styles={{ content: { color: '#389e0d' } }} />
          <Statistic title={t.sumFrozen} value={sums.frozen} styles={{ content: { color: '#d48806' } }} />
          <Statistic title={t.sumToday} value={sums.today} />
        </Space>
      </Card>
      <Card
        title={t.title}
        extra={
          <Space>
            <Input.Search
              allowClear
              placeholder={t.search}
              onChange={(e) => setFilter(e.target.value)}
              style={{ width: 240 }}
            />
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              {t.refresh}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ app: null })}>
              {t.add}
            </Button>
          </Space>
        }
      >
        <Table<AppRow>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={shown}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 20, showTotal: (n) => fill(t.total, { n }), hideOnSinglePage: true }}
        />
      </Card>
      <AppDialog
        open={editing !== null}
        app={editing?.app ?? null}
        surveyPrefix={surveyPrefix}
        onClose={() => setEditing(null)}
        onDone={(name, pw) => {
          setEditing(null);
          if (pw !== null) {
            setPassword({ name, password: pw });
            void message.success(fill(t.created, { name }));
          } else void message.success(fill(t.saved, { name }));
          void load();
        }}
      />
      <TopUpDialog
        app={toppingUp}
        onClose={() => setToppingUp(null)}
        onDone={(balance) => {
          setToppingUp(null);
          void message.success(fill(t.toppedUp, { n: balance.toLocaleString() }));
          void load();
        }}
      />
      <AppPasswordDialog shown={password} onClose={() => setPassword(null)} />
    </Space>
  );
}
