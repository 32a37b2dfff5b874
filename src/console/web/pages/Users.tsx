/**
 * Users and roles (§8.1 a): the security administrator's page. Every action is checked
 * again on the server; the buttons here only spare a refused request. A user's own row has no
 * actions: another administrator must change them.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Input,
  message as antMessage,
  Popconfirm,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ConsoleRole } from '../../../domain/console-roles.js';
import { api } from '../api.js';
import { PasswordDialog, ROLE_COLORS, RolesDialog } from '../components/UsersDialogs.js';
import { beijingTime, defineTexts, errorText, fill, ROLE_NAMES, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';

const TEXTS = defineTexts({
  zh: {
    title: '用户列表',
    search: '按用户名筛选',
    add: '新建用户',
    refresh: '刷新',
    username: '用户名',
    roles: '角色',
    status: '状态',
    active: '正常',
    disabled: '已停用',
    mustChange: '待修改初始密码',
    lock: '登录锁定',
    lockedUntil: '锁定至 {time}',
    notLocked: '未锁定',
    totp: '动态口令',
    enrolled: '已绑定',
    notEnrolled: '未绑定',
    required: '登录时须绑定',
    lastLogin: '最后登录',
    never: '从未登录',
    actions: '操作',
    editRoles: '修改角色',
    resetPassword: '重置密码',
    resetPasswordConfirm: '重置 {name} 的密码？将生成新的一次性密码，该用户的所有会话立即结束。',
    unlock: '解锁',
    resetTotp: '重置动态口令',
    resetTotpConfirm: '重置 {name} 的动态口令？该用户须在下次登录时重新绑定。',
    disable: '停用',
    disableConfirm: '停用 {name}？该用户将无法登录，现有会话立即结束。',
    enable: '启用',
    self: '不能修改自己的账户，请由其他安全管理员操作',
    ok: '确定',
    cancel: '取消',
    done: '已完成：{what}',
    created: '已创建用户 {name}',
    rolesSaved: '已修改 {name} 的角色',
    empty: '暂无用户',
    total: '共 {n} 个用户',
  },
  en: {
    title: 'Users',
    search: 'Filter by user name',
    add: 'New user',
    refresh: 'Refresh',
    username: 'User name',
    roles: 'Roles',
    status: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    mustChange: 'Must change initial password',
    lock: 'Lockout',
    lockedUntil: 'Locked until {time}',
    notLocked: 'Not locked',
    totp: 'One-time code',
    enrolled: 'Enrolled',
    notEnrolled: 'Not enrolled',
    required: 'must enrol at login',
    lastLogin: 'Last login',
    never: 'Never',
    actions: 'Actions',
    editRoles: 'Roles',
    resetPassword: 'Reset password',
    resetPasswordConfirm:
      "Reset {name}'s password? A new one-time password is made and all of the user's sessions end.",
    unlock: 'Unlock',
    resetTotp: 'Reset one-time code',
    resetTotpConfirm: "Reset {name}'s one-time code? The user must enrol again at the next login.",
    disable: 'Disable',
    disableConfirm: 'Disable {name}? The user can no longer log in and current sessions end.',
    enable: 'Enable',
    self: 'You cannot change your own account; another security administrator must',
    ok: 'OK',
    cancel: 'Cancel',
    done: 'Done: {what}',
    created: 'User {name} created',
    rolesSaved: 'Roles of {name} changed',
    empty: 'No users',
    total: '{n} users',
  },
});

interface UserRow {
  username: string;
  roles: ConsoleRole[];
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  lockedUntil: string | null;
  totpEnrolled: boolean;
  totpRequired: boolean;
  lastLoginAt: string | null;
}

export default function UsersPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [message, messageHolder] = antMessage.useMessage();
  const [users, setUsers] = useState<UserRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<{ username: string | null; roles: ConsoleRole[] } | null>(null);
  const [password, setPassword] = useState<{ username: string; password: string } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setUsers((await api.get<{ users: UserRow[] }>('users')).users);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [lang, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (user: UserRow, path: string, what: string) => {
    try {
      const answer = await api.post<{ initialPassword?: string }>(
        `users/${encodeURIComponent(user.username)}/${path}`,
      );
      if (answer.initialPassword !== undefined)
        setPassword({ username: user.username, password: answer.initialPassword });
      else void message.success(fill(t.done, { what: `${what} ${user.username}` }));
    } catch (err) {
      void message.error(errorText(lang, err));
    }
    await load();
  };

  const shown = useMemo(
    () => users.filter((u) => u.username.toLowerCase().includes(filter.trim().toLowerCase())),
    [users, filter],
  );

  const confirm = (title: string, onConfirm: () => void, label: string, danger = false) => (
    <Popconfirm title={title} okText={t.ok} cancelText={t.cancel} onConfirm={onConfirm}>
      <Typography.Link {...(danger && { type: 'danger' as const })}>{label}</Typography.Link>
    </Popconfirm>
  );

  const columns: TableColumnsType<UserRow> = [
    {
      title: t.username,
      dataIndex: 'username',
      render: (name: string, u) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{name}</Typography.Text>
          {u.mustChangePassword && (
            <Typography.Text type="warning" style={{ fontSize: 12 }}>
              {t.mustChange}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t.roles,
      dataIndex: 'roles',
      render: (roles: ConsoleRole[]) => (
        <Space size={[0, 4]} wrap>
          {roles.map((r) => (
            <Tag key={r} color={ROLE_COLORS[r]}>
              {ROLE_NAMES[r][lang]}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 100,
      render: (s: UserRow['status']) =>
        s === 'active' ? (
          <Badge status="success" text={t.active} />
        ) : (
          <Badge status="default" text={t.disabled} />
        ),
    },
    {
      title: t.lock,
      dataIndex: 'lockedUntil',
      render: (until: string | null) =>
        until === null ? (
          <Typography.Text type="secondary">{t.notLocked}</Typography.Text>
        ) : (
          <Tag color="error">{fill(t.lockedUntil, { time: beijingTime(until) })}</Tag>
        ),
    },
    {
      title: t.totp,
      dataIndex: 'totpEnrolled',
      render: (enrolled: boolean, u) =>
        enrolled ? (
          <Tag color="success">{t.enrolled}</Tag>
        ) : (
          <Space size={4}>
            <Tag>{t.notEnrolled}</Tag>
            {u.totpRequired && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t.required}
              </Typography.Text>
            )}
          </Space>
        ),
    },
    {
      title: t.lastLogin,
      dataIndex: 'lastLoginAt',
      render: (at: string | null) =>
        at === null ? <Typography.Text type="secondary">{t.never}</Typography.Text> : beijingTime(at),
    },
    {
      title: t.actions,
      key: 'actions',
      render: (_: unknown, u) => {
        if (u.username === session.me.user.username)
          return (
            <Tooltip title={t.self}>
              <Typography.Text type="secondary">—</Typography.Text>
            </Tooltip>
          );
        return (
          <Space size="middle" wrap>
            {session.can('role.assign') && (
              <Typography.Link onClick={() => setDialog({ username: u.username, roles: u.roles })}>
                {t.editRoles}
              </Typography.Link>
            )}
            {confirm(
              fill(t.resetPasswordConfirm, { name: u.username }),
              () => void act(u, 'reset-password', t.resetPassword),
              t.resetPassword,
            )}
            {u.lockedUntil !== null && (
              <Typography.Link onClick={() => void act(u, 'unlock', t.unlock)}>{t.unlock}</Typography.Link>
            )}
            {u.totpEnrolled &&
              confirm(
                fill(t.resetTotpConfirm, { name: u.username }),
                () => void act(u, 'reset-totp', t.resetTotp),
                t.resetTotp,
              )}
            {u.status === 'active' ? (
              confirm(
                fill(t.disableConfirm, { name: u.username }),
                () => void act(u, 'disable', t.disable),
                t.disable,
                true,
              )
            ) : (
              <Typography.Link onClick={() => void act(u, 'enable', t.enable)}>{t.enable}</Typography.Link>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      title={t.title}
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder={t.search}
            style={{ width: 220 }}
            onChange={(e) => setFilter(e.target.value)}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
          {session.can('role.assign') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setDialog({ username: null, roles: [] })}
            >
              {t.add}
            </Button>
          )}
        </Space>
      }
    >
      {messageHolder}
      <Table<UserRow>
        rowKey="username"
        columns={columns}
        dataSource={shown}
        loading={loading}
        locale={{ emptyText: t.empty }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => fill(t.total, { n }) }}
        data-testid="users-table"
      />
      <RolesDialog
        open={dialog !== null}
        username={dialog?.username ?? null}
        initialRoles={dialog?.roles ?? []}
        onClose={() => setDialog(null)}
        onSaved={(answer) => {
          const creating = dialog?.username === null;
          setDialog(null);
          if (answer.initialPassword !== undefined)
            setPassword({ username: answer.username, password: answer.initialPassword });
          void message.success(fill(creating ? t.created : t.rolesSaved, { name: answer.username }));
          void load();
        }}
      />
      <PasswordDialog shown={password} onClose={() => setPassword(null)} />
    </Card>
  );
}
