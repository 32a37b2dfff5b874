/**
 * Templates: operators write them, reviewers approve or reject them with a note. A new or
 * edited template is pending and cannot be sent until approved. The counter measures signature +
 * content as the Chinese carriers' links count it (70 per SMS in UCS-2, 67 per long segment). Each
 * template is a 验证码 or a 通知 text (docs/console.md "Templates").
 */
import { useState } from 'react';
import {
  Button,
  Card,
  Popconfirm,
  Segmented,
  Space,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, CloseOutlined, PlusOutlined } from '@ant-design/icons';
import type {
  TemplateKind as Kind,
  TemplatesAnswer,
  TemplateStatus as Status,
  TemplateView,
} from '../../../contract/templates.js';
import { api } from '../../api.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { useAction, useApi } from '../../use-api.js';
import { TEMPLATE_KINDS } from '../../../../domain/template-kind.js';
import { DecisionDialog, measure, TemplateDialog } from './TemplateDialogs.js';
import { TEXTS } from './texts.js';

const STATUS_COLORS: Record<Status, string> = { pending: 'gold', approved: 'green', rejected: 'red' };
const KIND_COLORS: Record<Kind, string> = { otp: 'purple', notice: 'cyan' };

function queryOf(status: Status | 'all', kind: Kind | 'all'): string {
  const query = new URLSearchParams();
  if (status !== 'all') query.set('status', status);
  if (kind !== 'all') query.set('kind', kind);
  const text = query.toString();
  return text === '' ? 'templates' : `templates?${text}`;
}

export default function TemplatesPage() {
  const t = useTexts(TEXTS);
  const session = useSession();
  const [filter, setFilter] = useState<Status | 'all'>('all');
  const [kind, setKind] = useState<Kind | 'all'>('all');
  const { data, error, loading, reload } = useApi<TemplatesAnswer>(queryOf(filter, kind));
  const act = useAction(reload);
  /** A dialog made the change: say so and reload. */
  const done = (text: string) => void act(() => Promise.resolve(), text);
  const rows = data?.templates ?? [];
  const apps = data?.apps ?? [];
  const [editing, setEditing] = useState<TemplateView | 'new' | null>(null);
  const [deciding, setDeciding] = useState<{ row: TemplateView; decision: 'approve' | 'reject' } | null>(
    null,
  );
  const canManage = session.can('template.manage');
  const canReview = session.can('template.review');

  const signatureOf = (appId: number | null): string | null =>
    appId === null ? null : (apps.find((a) => a.id === appId)?.signature ?? '');

  const columns: TableColumnsType<TemplateView> = [
    { title: t.name, dataIndex: 'name', width: 140 },
    {
      title: t.kind,
      dataIndex: 'kind',
      width: 90,
      render: (k: Kind) => (
        <Tag color={KIND_COLORS[k]} data-testid={`template-kind-${k}`}>
          {t[k]}
        </Tag>
      ),
    },
    {
      title: t.app,
      dataIndex: 'appName',
      width: 110,
      render: (_, r) => (r.appId === null ? <Tag>{t.allApps}</Tag> : r.appName),
    },
    {
      title: t.content,
      dataIndex: 'content',
      width: '34%',
      render: (_, r) => (
        <Space orientation="vertical" size={2}>
          <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>
            {r.appId !== null && <Typography.Text type="secondary">{signatureOf(r.appId)}</Typography.Text>}
            {r.content}
          </Typography.Text>
          {r.variables.length > 0 && (
            <Space size={4} wrap>
              {r.variables.map((v) => (
                <Tag key={v} color="blue">{`{${v}}`}</Tag>
              ))}
            </Space>
          )}
        </Space>
      ),
    },
    {
      title: t.length,
      width: 120,
      render: (_, r) => {
        const m = measure(signatureOf(r.appId) ?? '', r.content);
        return fill(t.lengthValue, { units: m.units, segments: m.segments });
      },
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (s: Status) => (
        <Tag color={STATUS_COLORS[s]} data-testid={`template-status-${s}`}>
          {t[s]}
        </Tag>
      ),
    },
    { title: t.author, dataIndex: 'createdBy', width: 100, render: (v: string | null) => v ?? '—' },
    {
      title: t.review,
      width: 160,
      render: (_, r) =>
        r.reviewedBy === null ? (
          '—'
        ) : (
          <Space orientation="vertical" size={0}>
            <span>{r.reviewedBy}</span>
            {r.reviewNote !== null && <Typography.Text type="secondary">{r.reviewNote}</Typography.Text>}
          </Space>
        ),
    },
    { title: t.updated, dataIndex: 'updatedAt', width: 160, render: (v: string | null) => beijingTime(v) },
    {
      title: t.actions,
      width: 170,
      render: (_, r) => {
        const own = r.createdBy === session.me.user.username;
        return (
          <Space size={4} wrap>
            {canReview && r.status === 'pending' && (
              <Tooltip title={own ? t.own : undefined}>
                <Button
                  size="small"
                  type="link"
                  icon={<CheckOutlined />}
                  disabled={own}
                  onClick={() => setDeciding({ row: r, decision: 'approve' })}
                >
                  {t.approve}
                </Button>
                <Button
                  size="small"
                  type="link"
                  danger
                  icon={<CloseOutlined />}
                  disabled={own}
                  onClick={() => setDeciding({ row: r, decision: 'reject' })}
                >
                  {t.reject}
                </Button>
              </Tooltip>
            )}
            {canManage && (
              <Button size="small" type="link" onClick={() => setEditing(r)}>
                {t.edit}
              </Button>
            )}
            {canManage && (
              <Popconfirm
                title={fill(t.deleteConfirm, { name: r.name })}
                okText={t.ok}
                cancelText={t.cancel}
                onConfirm={() => void act(() => api.delete(`templates/${r.id}`), t.deleted)}
              >
                <Button size="small" type="link" danger>
                  {t.delete}
                </Button>
              </Popconfirm>
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
          onRefresh={() => void reload()}
          action={
            canManage && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t.add}
              </Button>
            )
          }
        >
          <Segmented<Kind | 'all'>
            value={kind}
            onChange={setKind}
            options={[
              { value: 'all', label: t.allKinds },
              ...TEMPLATE_KINDS.map((k) => ({ value: k, label: t[k] })),
            ]}
          />
          <Segmented<Status | 'all'>
            value={filter}
            onChange={setFilter}
            options={(['all', 'pending', 'approved', 'rejected'] as const).map((s) => ({
              value: s,
              label: t[s],
            }))}
          />
        </ListToolbar>
      }
    >
      {error !== null && <Typography.Text type="danger">{error}</Typography.Text>}
      <ListTable
        rowKey="id"
        loading={loading}
        columns={columns}
        rows={rows}
        empty={t.empty}
        totalText={(n) => fill(t.total, { n })}
        data-testid="templates-table"
      />
      {editing !== null && (
        <TemplateDialog
          row={editing === 'new' ? null : editing}
          apps={apps}
          t={t}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            done(t.saved);
          }}
        />
      )}
      {deciding !== null && (
        <DecisionDialog
          row={deciding.row}
          decision={deciding.decision}
          t={t}
          onClose={() => setDeciding(null)}
          onDone={() => {
            done(deciding.decision === 'approve' ? t.approved : t.rejected);
            setDeciding(null);
          }}
        />
      )}
    </Card>
  );
}
