/**
 * Users and roles (§8.1 a): the security administrator's page. Every action is checked
 * again on the server; the buttons here only spare a refused request. A user's own row has no
 * actions: another administrator must change them. The calls: contract/users.ts.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  message as antMessage,
  Popconfirm,
  Space,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { UserChanged, UsersAnswer, UserView } from '../../../contract/users.js';
import type { ConsoleRole } from '../../../../domain/console-roles.js';
import { api } from '../../api.js';
import { PasswordDialog, ROLE_COLORS, RolesDialog } from './UserDialogs.js';
import { beijingTime, errorText, fill, ROLE_NAMES, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { useApi } from '../../use-api.js';
import { TEXTS } from './texts.js';

export default function UsersPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [message, messageHolder] = antMessage.useMessage();
  const { data, error, loading, reload } = useApi<UsersAnswer>('users');
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<{ username: string | null; roles: ConsoleRole[] } | null>(null);
  const [password, setPassword] = useState<{ username: string; password: string } | null>(null);

  const act = async (user: UserView, path: string, what: string) => {
    try {
      const answer = await api.post<UserChanged>(`users/${encodeURIComponent(user.username)}/${path}`);
      if (answer.initialPassword !== undefined)
        setPassword({ username: user.username, password: answer.initialPassword });
      else void message.success(fill(t.done, { what: `${what} ${user.username}` }));
    } catch (err) {
      void message.error(errorText(lang, err));
    }
    await reload();
  };

  const shown = useMemo(
    () => (data?.users ?? []).filter((u) => u.username.toLowerCase().includes(filter.trim().toLowerCase())),
    [data, filter],
  );

  const confirm = (title: string, onConfirm: () => void, label: string, danger = false) => (
    <Popconfirm title={title} okText={t.ok} cancelText={t.cancel} onConfirm={onConfirm}>
      <Typography.Link {...(danger && { type: 'danger' as const })}>{label}</Typography.Link>
    </Popconfirm>
  );

  const columns: TableColumnsType<UserView> = [
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
      render: (s: UserView['status']) =>
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
        <ListToolbar
          search={{ placeholder: t.search, onChange: setFilter }}
          onRefresh={() => void reload()}
          action={
            session.can('role.assign') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setDialog({ username: null, roles: [] })}
              >
                {t.add}
              </Button>
            )
          }
        />
      }
    >
      {messageHolder}
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <ListTable<UserView>
        rowKey="username"
        columns={columns}
        rows={shown}
        loading={loading}
        empty={t.empty}
        totalText={(n) => fill(t.total, { n })}
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
          void reload();
        }}
      />
      <PasswordDialog shown={password} onClose={() => setPassword(null)} />
    </Card>
  );
}
