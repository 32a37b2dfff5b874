/**
 * Templates: operators write them, reviewers approve or reject them with a note. A new or
 * edited template is pending and cannot be sent until approved. The counter measures signature +
 * content as the Chinese carriers' links count it (70 per SMS in UCS-2, 67 per long segment).
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Card,
  message as antMessage,
  Popconfirm,
  Segmented,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, CloseOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../api.js';
import {
  DecisionDialog,
  measure,
  TemplateDialog,
  type AppOption,
  type TemplateRow,
  type TemplateStatus as Status,
} from '../components/TemplatesDialogs.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';

const TEXTS = defineTexts({
  zh: {
    title: '短信模板',
    all: '全部',
    pending: '待审核',
    approved: '已通过',
    rejected: '已驳回',
    add: '新建模板',
    refresh: '刷新',
    name: '模板名称',
    app: '所属账户',
    allApps: '全部账户通用',
    content: '模板内容',
    length: '字数 / 条数',
    lengthValue: '{units} 字 · {segments} 条',
    status: '状态',
    author: '提交人',
    review: '审核',
    updated: '更新时间',
    actions: '操作',
    edit: '编辑',
    delete: '删除',
    deleteConfirm: '删除模板“{name}”？',
    approve: '通过',
    reject: '驳回',
    own: '不能审核自己提交的模板',
    cancel: '取消',
    ok: '确定',
    saved: '已提交，等待审核',
    deleted: '已删除',
    empty: '暂无模板',
    total: '共 {n} 个模板',
  },
  en: {
    title: 'Templates',
    all: 'All',
    pending: 'Pending',
    approved: 'Approved',
    rejected: 'Rejected',
    add: 'New template',
    refresh: 'Refresh',
    name: 'Name',
    app: 'Account',
    allApps: 'All accounts',
    content: 'Content',
    length: 'Length',
    lengthValue: '{units} chars · {segments} SMS',
    status: 'Status',
    author: 'Author',
    review: 'Review',
    updated: 'Updated',
    actions: 'Actions',
    edit: 'Edit',
    delete: 'Delete',
    deleteConfirm: 'Delete template “{name}”?',
    approve: 'Approve',
    reject: 'Reject',
    own: 'You cannot review your own template',
    cancel: 'Cancel',
    ok: 'OK',
    saved: 'Submitted for review',
    deleted: 'Deleted',
    empty: 'No templates',
    total: '{n} templates',
  },
});

const STATUS_COLORS: Record<Status, string> = { pending: 'gold', approved: 'green', rejected: 'red' };

export default function TemplatesPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [message, messageHolder] = antMessage.useMessage();
  const [rows, setRows] = useState<TemplateRow[]>([]);
  const [apps, setApps] = useState<AppOption[]>([]);
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState<Status | 'all'>('all');
  const [editing, setEditing] = useState<TemplateRow | 'new' | null>(null);
  const [deciding, setDeciding] = useState<{ row: TemplateRow; decision: 'approve' | 'reject' } | null>(null);
  const canManage = session.can('template.manage');
  const canReview = session.can('template.review');

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.get<{ templates: TemplateRow[]; apps: AppOption[] }>(
        filter === 'all' ? 'templates' : `templates?status=${filter}`,
      );
      setRows(r.templates);
      setApps(r.apps);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [filter, lang, message]);
  useEffect(() => void load(), [load]);

  const signatureOf = (appId: number | null): string | null =>
    appId === null ? null : (apps.find((a) => a.id === appId)?.signature ?? '');

  const remove = async (row: TemplateRow) => {
    try {
      await api.delete(`templates/${row.id}`);
      void message.success(t.deleted);
      await load();
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const columns: TableColumnsType<TemplateRow> = [
    { title: t.name, dataIndex: 'name', width: 140 },
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
                onConfirm={() => void remove(r)}
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
        <Space>
          <Segmented<Status | 'all'>
            value={filter}
            onChange={setFilter}
            options={(['all', 'pending', 'approved', 'rejected'] as const).map((s) => ({
              value: s,
              label: t[s],
            }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
          {canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t.add}
            </Button>
          )}
        </Space>
      }
    >
      {messageHolder}
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        locale={{ emptyText: t.empty }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => fill(t.total, { n }) }}
        data-testid="templates-table"
      />
      {editing !== null && (
        <TemplateDialog
          row={editing === 'new' ? null : editing}
          apps={apps}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void message.success(t.saved);
            void load();
          }}
        />
      )}
      {deciding !== null && (
        <DecisionDialog
          row={deciding.row}
          decision={deciding.decision}
          onClose={() => setDeciding(null)}
          onDone={() => {
            void message.success(deciding.decision === 'approve' ? t.approved : t.rejected);
            setDeciding(null);
            void load();
          }}
        />
      )}
    </Card>
  );
}
