/**
 * Integration (docs/console.md "Integration"): every business-system account's push callbacks —
 * waiting items, the batch being retried, failed batches, last error and last success — with a
 * button that sends the retrying and failed batches again now, and its client certificate with a
 * warning 30 days before it ends; and a drawer with its SFTP keys and password, locks, files and recent logins
 * (SftpDrawer.tsx). Refreshed every 10 seconds.
 */
import { useState } from 'react';
import { Alert, Card, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type {
  CallbackRetryAnswer,
  IntegrationAccount,
  IntegrationAnswer,
} from '../../../contract/integration.js';
import { api } from '../../api.js';
import { CertificateTag } from '../../components/CertificateTag.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useAction, useApi } from '../../use-api.js';
import { FeedCell } from './FeedCell.js';
import { SftpDrawer } from './SftpDrawer.js';
import { SFTP_TEXTS, TEXTS } from './texts.js';

const STATUS_COLORS: Record<IntegrationAccount['status'], string> = {
  active: 'success',
  frozen: 'warning',
  disabled: 'default',
};

export default function IntegrationPage() {
  const t = useTexts(TEXTS);
  const ts = useTexts(SFTP_TEXTS);
  const [sftpOf, setSftpOf] = useState<IntegrationAccount | null>(null);
  const { data, error, loading, reload } = useApi<IntegrationAnswer>('integration', { pollMs: 10_000 });
  const act = useAction(reload);
  const accounts = data?.accounts ?? [];
  const warned = accounts.filter((a) => a.certificate !== null && a.certificate.state !== 'valid');

  const retry = (a: IntegrationAccount) =>
    act(() => api.post<CallbackRetryAnswer>(`apps/${a.id}/callbacks/retry`, {}), t.retried);

  const feedColumn = (kind: 'report' | 'reply') => ({
    title: t[kind],
    key: kind,
    render: (_: unknown, a: IntegrationAccount) => {
      const feed = a.feeds.find((f) => f.kind === kind);
      return feed ? <FeedCell feed={feed} hasSecret={a.hasSecret} testId={`cb-${a.name}-${kind}`} /> : '—';
    },
  });

  const columns: TableColumnsType<IntegrationAccount> = [
    {
      title: t.account,
      dataIndex: 'name',
      render: (name: string, a) => (
        <Space orientation="vertical" size={2}>
          <Typography.Text strong>{name}</Typography.Text>
          <Tag color={STATUS_COLORS[a.status]}>{t[a.status]}</Tag>
        </Space>
      ),
    },
    {
      title: t.auth,
      key: 'auth',
      render: (_, a) => (
        <Space orientation="vertical" size={2}>
          <span>{t[a.authMode]}</span>
          <CertificateTag cert={a.certificate} testId={`cert-${a.name}`} />
        </Space>
      ),
    },
    feedColumn('report'),
    feedColumn('reply'),
    {
      title: ts.column,
      key: 'sftp',
      render: (_, a) => (
        <Typography.Link data-testid={`sftp-${a.name}`} onClick={() => setSftpOf(a)}>
          {ts.open}
        </Typography.Link>
      ),
    },
    {
      title: t.actions,
      key: 'actions',
      width: 110,
      render: (_, a) =>
        a.feeds.some((f) => f.attempts > 0 || f.failedBatches > 0) && (
          <Popconfirm
            title={fill(t.retryConfirm, { name: a.name })}
            okText={t.ok}
            cancelText={t.cancel}
            onConfirm={() => void retry(a)}
          >
            <Typography.Link data-testid={`retry-${a.name}`}>{t.retry}</Typography.Link>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {warned.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="cert-warning"
          title={fill(t.certWarn, {
            n: warned.length,
            days: data?.certWarnDays ?? 30,
            names: warned.map((a) => a.name).join('、'),
          })}
        />
      )}
      {error && <Alert type="error" showIcon title={error} />}
      <Card
        title={t.title}
        extra={
          data && (
            <Typography.Text type="secondary">{fill(t.hint, { time: beijingTime(data.at) })}</Typography.Text>
          )
        }
      >
        <Table<IntegrationAccount>
          rowKey="id"
          size="middle"
          loading={loading && data === null}
          columns={columns}
          dataSource={accounts}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      </Card>
      <SftpDrawer account={sftpOf} onClose={() => setSftpOf(null)} />
    </Space>
  );
}
