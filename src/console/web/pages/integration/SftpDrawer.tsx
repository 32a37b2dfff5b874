/**
 * One account's SFTP batch interface (docs/sftp.md "On the console"; contract/sftp.ts): its public
 * keys with fingerprints (add, remove) and SFTP password (set, clear), its password locks (lift),
 * the files it sent — rows accepted and refused, state, the files written back to `outbox/` and
 * when — and its recent logins from the interface access log. Refreshed every 5 seconds while open.
 */
import { useState, type ReactNode } from 'react';
import {
  Alert,
  Button,
  Drawer,
  Input,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type {
  AccountLockView,
  SftpAnswer,
  SftpFileView,
  SftpKeyView,
  SftpLoginView,
} from '../../../contract/sftp.js';
import { api } from '../../api.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useAction, useApi } from '../../use-api.js';
import { SFTP_TEXTS } from './texts.js';

const STATUS_COLORS: Record<SftpFileView['status'], string> = {
  processing: 'processing',
  admitted: 'blue',
  reported: 'success',
  rejected: 'error',
};

/** A titled table of the drawer. */
function Section<T extends object>(props: {
  title: string;
  testId: string;
  rowKey: keyof T & string;
  columns: TableColumnsType<T>;
  rows: readonly T[];
  empty: string;
  children?: ReactNode;
}) {
  return (
    <div>
      <Typography.Title level={5}>{props.title}</Typography.Title>
      <Table<T>
        rowKey={props.rowKey}
        size="small"
        columns={props.columns}
        dataSource={[...props.rows]}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: props.empty }}
        data-testid={props.testId}
      />
      {props.children}
    </div>
  );
}

export function SftpDrawer({
  account,
  onClose,
}: {
  account: { id: number; name: string } | null;
  onClose: () => void;
}) {
  const t = useTexts(SFTP_TEXTS);
  const { data, error, reload } = useApi<SftpAnswer>(account && `apps/${account.id}/sftp`, { pollMs: 5000 });
  const act = useAction(reload);
  const [newKey, setNewKey] = useState('');
  const [password, setPassword] = useState('');
  const path = account ? `apps/${account.id}/sftp` : '';
  const keys = data?.publicKeys ?? [];

  const putKeys = (lines: string[], done: string) => act(() => api.put(path, { publicKeys: lines }), done);
  const addKey = async () => {
    if (await putKeys([...keys.map((k) => k.line), newKey.trim()], t.added)) setNewKey('');
  };
  const setPw = async () => {
    if (await act(() => api.put(path, { password }), t.passwordSaved)) setPassword('');
  };

  const keyColumns: TableColumnsType<SftpKeyView> = [
    { title: t.algo, dataIndex: 'algo', width: 110 },
    {
      title: t.fingerprint,
      dataIndex: 'fingerprint',
      render: (f: string) => (
        <Typography.Text code copyable>
          {f}
        </Typography.Text>
      ),
    },
    { title: t.comment, dataIndex: 'comment' },
    {
      title: '',
      key: 'remove',
      width: 70,
      render: (_, k) => (
        <Popconfirm
          title={t.removeConfirm}
          okText={t.confirm}
          cancelText={t.cancel}
          onConfirm={() =>
            void putKeys(
              keys.filter((x) => x !== k).map((x) => x.line),
              t.removed,
            )
          }
        >
          <Typography.Link type="danger" data-testid={`sftp-remove-${k.fingerprint}`}>
            {t.remove}
          </Typography.Link>
        </Popconfirm>
      ),
    },
  ];

  const lockColumns: TableColumnsType<AccountLockView & { key: string }> = [
    { title: t.channel, dataIndex: 'channel', render: (c: AccountLockView['channel']) => t[c] },
    { title: t.source, dataIndex: 'source' },
    { title: t.attempts, dataIndex: 'attempts' },
    { title: t.lockedUntil, dataIndex: 'lockedUntil', render: (at: string) => beijingTime(at) },
    {
      title: '',
      key: 'unlock',
      render: (_, l) => (
        <Typography.Link
          data-testid={`sftp-unlock-${l.channel}-${l.source}`}
          onClick={() =>
            void act(
              () => api.post(`apps/${account?.id ?? 0}/unlock`, { source: l.source, channel: l.channel }),
              t.unlocked,
            )
          }
        >
          {t.unlock}
        </Typography.Link>
      ),
    },
  ];

  const fileColumns: TableColumnsType<SftpFileView> = [
    {
      title: t.file,
      dataIndex: 'name',
      render: (name: string, f) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{name}</Typography.Text>
          {f.error !== null && <Typography.Text type="danger">{f.error}</Typography.Text>}
          {f.repeats > 0 && (
            <Typography.Text type="warning">
              {fill(t.repeats, { n: f.repeats, time: beijingTime(f.repeatedAt) })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (s: SftpFileView['status']) => <Tag color={STATUS_COLORS[s]}>{t[s]}</Tag>,
    },
    { title: t.rows, dataIndex: 'rows', width: 80 },
    { title: t.accepted, dataIndex: 'accepted', width: 80 },
    { title: t.refused, dataIndex: 'refused', width: 80 },
    { title: t.received, dataIndex: 'receivedAt', width: 170, render: (at: string) => beijingTime(at) },
    {
      title: t.outputs,
      key: 'outputs',
      render: (_, f) => (
        <Space orientation="vertical" size={0}>
          {f.outputs.map((o) => {
            const at = o.endsWith('.result.csv')
              ? f.resultAt
              : o.endsWith('.report.csv')
                ? f.reportAt
                : f.errorAt;
            return (
              <Typography.Text key={o}>
                {o} <Typography.Text type="secondary">{beijingTime(at)}</Typography.Text>
              </Typography.Text>
            );
          })}
        </Space>
      ),
    },
  ];

  const loginColumns: TableColumnsType<SftpLoginView> = [
    { title: t.at, dataIndex: 'at', width: 170, render: (at: string) => beijingTime(at) },
    { title: t.source, dataIndex: 'sourceIp', width: 140 },
    {
      title: t.method,
      dataIndex: 'method',
      width: 80,
      render: (m: string) => (m === 'publickey' ? t.publickey : t.passwordMethod),
    },
    {
      title: t.result,
      key: 'result',
      render: (_, l) =>
        l.code === 1 ? (
          <Tag color="success">{t.ok}</Tag>
        ) : (
          <Typography.Text type="danger">{`${l.code ?? ''} ${l.msg ?? ''}`}</Typography.Text>
        ),
    },
  ];

  return (
    <Drawer
      open={account !== null}
      onClose={onClose}
      title={fill(t.title, { name: account?.name ?? '' })}
      size={960}
      destroyOnHidden
    >
      {error !== null && <Alert type="error" showIcon title={error} />}
      {data && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="sftp-drawer">
          <Alert
            type={data.listener ? 'info' : 'warning'}
            showIcon
            title={data.listener ? fill(t.connect, { port: data.listener.port, name: data.name }) : t.off}
          />
          <Section<SftpKeyView>
            title={t.credentials}
            testId="sftp-keys"
            rowKey="line"
            columns={keyColumns}
            rows={keys}
            empty={t.noKeys}
          >
            <Space.Compact style={{ width: '100%', marginTop: 8 }}>
              <Input
                value={newKey}
                onChange={(e) => setNewKey(e.target.value)}
                placeholder={t.keyPlaceholder}
                data-testid="sftp-new-key"
              />
              <Button
                type="primary"
                disabled={newKey.trim() === ''}
                onClick={() => void addKey()}
                data-testid="sftp-add-key"
              >
                {t.addKey}
              </Button>
            </Space.Compact>
            <Space style={{ marginTop: 12 }} wrap>
              <span>
                {t.password}：
                <Tag color={data.hasPassword ? 'success' : 'default'} data-testid="sftp-password-state">
                  {data.hasPassword ? t.passwordSet : t.passwordNone}
                </Tag>
              </span>
              <Input.Password
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                placeholder={t.passwordPlaceholder}
                style={{ width: 260 }}
                autoComplete="new-password"
                data-testid="sftp-new-password"
              />
              <Button
                disabled={password.length < 8}
                onClick={() => void setPw()}
                data-testid="sftp-set-password"
              >
                {t.setPassword}
              </Button>
              {data.hasPassword && (
                <Popconfirm
                  title={t.clearConfirm}
                  okText={t.confirm}
                  cancelText={t.cancel}
                  onConfirm={() => void act(() => api.put(path, { password: null }), t.passwordCleared)}
                >
                  <Button danger data-testid="sftp-clear-password">
                    {t.clearPassword}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          </Section>
          <Section<AccountLockView & { key: string }>
            title={t.locks}
            testId="sftp-locks"
            rowKey="key"
            columns={lockColumns}
            rows={data.locks.map((l) => ({ ...l, key: `${l.channel} ${l.source}` }))}
            empty={t.noLocks}
          />
          <Section<SftpFileView>
            title={t.files}
            testId="sftp-files"
            rowKey="id"
            columns={fileColumns}
            rows={data.files}
            empty={t.noFiles}
          />
          <Section<SftpLoginView>
            title={t.logins}
            testId="sftp-logins"
            rowKey="id"
            columns={loginColumns}
            rows={data.logins}
            empty={t.noLogins}
          />
        </Space>
      )}
    </Drawer>
  );
}
