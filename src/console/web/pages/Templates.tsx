/**
 * Templates (issue 5): operators write them, reviewers approve or reject them with a note. A new or
 * edited template is pending and cannot be sent until approved. The counter measures signature +
 * content as the Chinese carriers' links count it (70 per SMS in UCS-2, 67 per long segment).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Button,
  Card,
  Form,
  Input,
  message as antMessage,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, CloseOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { placeholdersOf } from '../../../domain/placeholders.js';
import { measureText, TEXT_LIMITS } from '../../../domain/text/measure.js';
import { api } from '../api.js';
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
    variables: '变量',
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
    note: '审核意见',
    notePlaceholder: '驳回时须填写原因',
    approveTitle: '通过模板“{name}”',
    rejectTitle: '驳回模板“{name}”',
    createTitle: '新建模板',
    editTitle: '编辑模板',
    editHint: '修改后模板将重新进入待审核状态，审核通过前不能使用',
    contentPlaceholder: '不含签名；变量写作 {name}，发送时按号码或文件列填充',
    counter: '含签名 {units} / {limit} 字 · {segments} 条',
    counterNoSig: '不含签名 {units} 字 · {segments} 条（通用模板按各账户签名计）',
    found: '识别到的变量：',
    none: '无',
    save: '提交审核',
    cancel: '取消',
    ok: '确定',
    saved: '已提交，等待审核',
    deleted: '已删除',
    empty: '暂无模板',
    required: '必填',
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
    variables: 'Variables',
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
    note: 'Note',
    notePlaceholder: 'A reason is required to reject',
    approveTitle: 'Approve “{name}”',
    rejectTitle: 'Reject “{name}”',
    createTitle: 'New template',
    editTitle: 'Edit template',
    editHint: 'An edited template goes back to review and cannot be used until approved',
    contentPlaceholder: 'Without signature; variables as {name}, filled per number or file column',
    counter: '{units} / {limit} characters with the signature · {segments} SMS',
    counterNoSig: '{units} characters without signature · {segments} SMS (each account adds its own)',
    found: 'Variables found: ',
    none: 'none',
    save: 'Submit for review',
    cancel: 'Cancel',
    ok: 'OK',
    saved: 'Submitted for review',
    deleted: 'Deleted',
    empty: 'No templates',
    required: 'Required',
    total: '{n} templates',
  },
});

type Status = 'pending' | 'approved' | 'rejected';

interface TemplateRow {
  id: number;
  appId: number | null;
  appName: string | null;
  name: string;
  content: string;
  status: Status;
  variables: string[];
  createdBy: string | null;
  updatedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

interface AppOption {
  id: number;
  name: string;
  signature: string;
}

const STATUS_COLORS: Record<Status, string> = { pending: 'gold', approved: 'green', rejected: 'red' };

function measure(signature: string, content: string) {
  const m = measureText(signature + content, 'cn');
  return { ...m, limit: TEXT_LIMITS[m.coding].single };
}

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

function TemplateDialog(props: {
  row: TemplateRow | null;
  apps: AppOption[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<{ appId: number | null; name: string; content: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const appId = Form.useWatch('appId', form) ?? null;
  // Undefined until the form mounts, whatever the form's type says.
  const content = (Form.useWatch('content', form) as string | undefined) ?? '';
  const signature = appId === null ? null : (props.apps.find((a) => a.id === appId)?.signature ?? '');
  const m = useMemo(() => measure(signature ?? '', content), [signature, content]);
  const variables = useMemo(() => placeholdersOf(content), [content]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const body = { appId: values.appId, name: values.name, content: values.content };
      if (props.row) await api.put(`templates/${props.row.id}`, body);
      else await api.post('templates', body);
      props.onSaved();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={props.row ? t.editTitle : t.createTitle}
      okText={t.save}
      cancelText={t.cancel}
      confirmLoading={saving}
      onOk={() => void save()}
      onCancel={props.onClose}
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          appId: props.row?.appId ?? null,
          name: props.row?.name ?? '',
          content: props.row?.content ?? '',
        }}
      >
        {props.row && <Typography.Paragraph type="warning">{t.editHint}</Typography.Paragraph>}
        <Form.Item name="appId" label={t.app}>
          <Select
            aria-label={t.app}
            options={[
              { value: null, label: t.allApps },
              ...props.apps.map((a) => ({ value: a.id, label: `${a.name} ${a.signature}` })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t.name}
          rules={[{ required: true, whitespace: true, message: t.required }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="content"
          label={t.content}
          rules={[{ required: true, whitespace: true, message: t.required }]}
          extra={
            <Space orientation="vertical" size={0}>
              <Typography.Text type={m.fitsSingle ? 'secondary' : 'warning'} data-testid="template-counter">
                {signature === null
                  ? fill(t.counterNoSig, { units: m.units, segments: m.segments })
                  : fill(t.counter, { units: m.units, limit: m.limit, segments: m.segments })}
              </Typography.Text>
              <span>
                {t.found}
                {variables.length === 0
                  ? t.none
                  : variables.map((v) => <Tag key={v} color="blue">{`{${v}}`}</Tag>)}
              </span>
            </Space>
          }
        >
          <Input.TextArea rows={4} maxLength={1000} placeholder={t.contentPlaceholder} />
        </Form.Item>
        {error !== null && <Typography.Text type="danger">{error}</Typography.Text>}
      </Form>
    </Modal>
  );
}

function DecisionDialog(props: {
  row: TemplateRow;
  decision: 'approve' | 'reject';
  onClose: () => void;
  onDone: () => void;
}) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reject = props.decision === 'reject';

  const decide = async () => {
    setSaving(true);
    setError(null);
    try {
      await api.post(
        `templates/${props.row.id}/${props.decision}`,
        note.trim() === '' ? {} : { note: note.trim() },
      );
      props.onDone();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={fill(reject ? t.rejectTitle : t.approveTitle, { name: props.row.name })}
      okText={reject ? t.reject : t.approve}
      okButtonProps={{ danger: reject, disabled: reject && note.trim() === '' }}
      cancelText={t.cancel}
      confirmLoading={saving}
      onOk={() => void decide()}
      onCancel={props.onClose}
    >
      <Typography.Paragraph
        style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12, borderRadius: 6 }}
      >
        {props.row.content}
      </Typography.Paragraph>
      <Input.TextArea
        aria-label={t.note}
        rows={3}
        maxLength={500}
        value={note}
        placeholder={reject ? t.notePlaceholder : t.note}
        onChange={(e) => setNote(e.target.value)}
      />
      {error !== null && <Typography.Text type="danger">{error}</Typography.Text>}
    </Modal>
  );
}
