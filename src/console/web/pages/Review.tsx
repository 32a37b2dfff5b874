/**
 * Review (docs/design.md §5): batches held for a reviewer — over the console's size threshold, or
 * hit by a sensitive word that asks for review. Pending first (oldest first) with the sample text
 * and its words highlighted; approve or reject with a note; the sender cannot decide their own.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Descriptions,
  Input,
  message as antMessage,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, CloseOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, query } from '../api.js';
import { HighlightedText, type TextHit } from '../components/HighlightedText.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';

const TEXTS = defineTexts({
  zh: {
    title: '发送审核',
    pending: '待审核',
    decided: '已处理',
    refresh: '刷新',
    created: '提交时间',
    kind: '审核原因',
    'kind.batch-size': '批量超限',
    'kind.sensitive-words': '敏感词',
    app: '业务系统',
    requester: '提交人',
    byInterface: '接口提交',
    count: '短信条数',
    text: '短信内容',
    words: '命中敏感词',
    actions: '操作',
    detail: '详情',
    approve: '通过',
    reject: '驳回',
    status: '结果',
    'status.approved': '已通过',
    'status.rejected': '已驳回',
    'status.expired': '已过期',
    decidedBy: '审核人',
    decidedAt: '处理时间',
    note: '审核意见',
    notePlaceholder: '填写审核意见（驳回时必填）',
    noteRequired: '驳回须填写审核意见',
    approveTitle: '通过审核 #{id}',
    rejectTitle: '驳回审核 #{id}',
    approveHint: '通过后 {n} 条短信立即进入发送队列。',
    rejectHint: '驳回后 {n} 条短信不再发送，费用退回账户，业务系统收到 REJECTED 状态报告。',
    own: '不能审核自己提交的发送',
    approved: '已通过，短信进入发送队列',
    rejected: '已驳回，费用已退回',
    empty: '暂无待审核的发送',
    emptyDecided: '暂无审核记录',
    total: '共 {n} 条',
    recipients: '号码样例',
    batches: '批次数',
    charged: '计费条数',
    sendAt: '定时发送',
    now: '立即',
    onlyTemplates: '您的角色只审核模板，请到“短信模板”页面处理。',
    cancel: '取消',
  },
  en: {
    title: 'Send review',
    pending: 'Pending',
    decided: 'Decided',
    refresh: 'Refresh',
    created: 'Submitted',
    kind: 'Reason',
    'kind.batch-size': 'Large batch',
    'kind.sensitive-words': 'Sensitive words',
    app: 'Account',
    requester: 'Sender',
    byInterface: 'Interface',
    count: 'Messages',
    text: 'Text',
    words: 'Words hit',
    actions: 'Actions',
    detail: 'Detail',
    approve: 'Approve',
    reject: 'Reject',
    status: 'Result',
    'status.approved': 'Approved',
    'status.rejected': 'Rejected',
    'status.expired': 'Expired',
    decidedBy: 'Reviewer',
    decidedAt: 'Decided',
    note: 'Note',
    notePlaceholder: 'Your note (required to reject)',
    noteRequired: 'A rejection needs a note',
    approveTitle: 'Approve review #{id}',
    rejectTitle: 'Reject review #{id}',
    approveHint: 'The {n} messages join the sending queue at once.',
    rejectHint:
      'The {n} messages are not sent, the charge is refunded and the account gets REJECTED reports.',
    own: 'You cannot decide your own send',
    approved: 'Approved: the messages are queued',
    rejected: 'Rejected: the charge is refunded',
    empty: 'Nothing waits for review',
    emptyDecided: 'No decided review yet',
    total: '{n} in all',
    recipients: 'Sample numbers',
    batches: 'Batches',
    charged: 'Charged',
    sendAt: 'Scheduled',
    now: 'At once',
    onlyTemplates: 'Your role reviews templates only: see the Templates page.',
    cancel: 'Cancel',
  },
});

interface ReviewRow {
  id: number;
  kind: 'batch-size' | 'sensitive-words';
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  appName: string;
  requestedBy: string | null;
  messageCount: number;
  batches: number;
  sampleText: string | null;
  words: string[];
  hits: TextHit[];
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}
interface ReviewDetail extends ReviewRow {
  charged: number;
  sendAt: string | null;
  recipients: { mobile: string; status: string }[];
}
type Counts = Record<'pending' | 'approved' | 'rejected' | 'expired', number>;

const STATUS_COLORS = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  expired: 'default',
} as const;

export default function ReviewPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const username = session.me.user.username;
  const [view, setView] = useState<'pending' | 'decided'>('pending');
  const [rows, setRows] = useState<ReviewRow[]>([]);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(true);
  const [deciding, setDeciding] = useState<{ row: ReviewRow; decision: 'approve' | 'reject' } | null>(null);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const allowed = session.can('batch.review');

  const load = useCallback(async () => {
    if (!allowed) return;
    setLoading(true);
    try {
      const r = await api.get<{ counts: Counts; total: number; items: ReviewRow[] }>(
        `reviews${query({ status: view, page, pageSize: 20 })}`,
      );
      setRows(r.items);
      setCounts(r.counts);
      setTotal(r.total);
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [allowed, view, page, lang]);
  useEffect(() => void load(), [load]);

  if (!allowed)
    return (
      <Card title={t.title}>
        <Alert type="info" showIcon title={t.onlyTemplates} />
      </Card>
    );

  const submit = async () => {
    if (!deciding) return;
    if (deciding.decision === 'reject' && note.trim() === '') {
      void antMessage.warning(t.noteRequired);
      return;
    }
    setSaving(true);
    try {
      await api.post(
        `reviews/${deciding.row.id}/${deciding.decision}`,
        note.trim() === '' ? {} : { note: note.trim() },
      );
      void antMessage.success(deciding.decision === 'approve' ? t.approved : t.rejected);
      setDeciding(null);
      setNote('');
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  const openDetail = async (row: ReviewRow) => {
    try {
      setDetail((await api.get<{ review: ReviewDetail }>(`reviews/${row.id}`)).review);
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const own = (row: ReviewRow) => row.requestedBy !== null && row.requestedBy === username;
  const textCell = (row: ReviewRow) =>
    row.sampleText === null ? '—' : <HighlightedText text={row.sampleText} hits={row.hits} />;

  const columns: TableColumnsType<ReviewRow> = [
    { title: t.created, dataIndex: 'createdAt', width: 170, render: (v: string) => beijingTime(v) },
    {
      title: t.kind,
      dataIndex: 'kind',
      width: 110,
      render: (k: ReviewRow['kind']) => (
        <Tag color={k === 'sensitive-words' ? 'orange' : 'blue'}>{t[`kind.${k}`]}</Tag>
      ),
    },
    { title: t.app, dataIndex: 'appName', width: 120 },
    {
      title: t.requester,
      dataIndex: 'requestedBy',
      width: 110,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">{t.byInterface}</Typography.Text>,
    },
    { title: t.count, dataIndex: 'messageCount', width: 90, align: 'right' },
    // The text takes the room the other columns leave, never less than a readable width.
    { title: t.text, key: 'text', width: 320, render: (_, row) => textCell(row) },
    {
      title: t.words,
      key: 'words',
      width: 150,
      render: (_, row) => {
        const words = [...new Set([...row.words, ...row.hits.map((h) => h.word)])];
        return words.length === 0
          ? '—'
          : words.map((w) => (
              <Tag key={w} color="orange">
                {w}
              </Tag>
            ));
      },
    },
  ];
  if (view === 'decided')
    columns.push(
      {
        title: t.status,
        dataIndex: 'status',
        width: 90,
        render: (s: ReviewRow['status']) =>
          s === 'pending' ? null : <Badge status={STATUS_COLORS[s]} text={t[`status.${s}`]} />,
      },
      { title: t.decidedBy, dataIndex: 'decidedBy', width: 100, render: (v: string | null) => v ?? '—' },
      {
        title: t.decidedAt,
        dataIndex: 'decidedAt',
        width: 170,
        render: (v: string | null) => beijingTime(v),
      },
      { title: t.note, dataIndex: 'note', width: 160, render: (v: string | null) => v ?? '—' },
    );
  columns.push({
    title: t.actions,
    key: 'actions',
    width: view === 'pending' ? 220 : 80,
    fixed: 'right',
    render: (_, row) => (
      <Space size={4}>
        <Button size="small" type="link" icon={<EyeOutlined />} onClick={() => void openDetail(row)}>
          {t.detail}
        </Button>
        {row.status === 'pending' && (
          <Tooltip title={own(row) ? t.own : undefined}>
            <Space size={4}>
              <Button
                size="small"
                type="primary"
                icon={<CheckOutlined />}
                disabled={own(row)}
                data-testid={`approve-${row.id}`}
                onClick={() => setDeciding({ row, decision: 'approve' })}
              >
                {t.approve}
              </Button>
              <Button
                size="small"
                danger
                icon={<CloseOutlined />}
                disabled={own(row)}
                onClick={() => setDeciding({ row, decision: 'reject' })}
              >
                {t.reject}
              </Button>
            </Space>
          </Tooltip>
        )}
      </Space>
    ),
  });

  return (
    <Card
      title={t.title}
      extra={
        <Space>
          <Segmented
            value={view}
            onChange={(v) => {
              setView(v === 'decided' ? 'decided' : 'pending');
              setPage(1);
            }}
            options={[
              { value: 'pending', label: `${t.pending} (${counts?.pending ?? 0})` },
              {
                value: 'decided',
                label: `${t.decided} (${(counts?.approved ?? 0) + (counts?.rejected ?? 0) + (counts?.expired ?? 0)})`,
              },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
        </Space>
      }
    >
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        // As wide as its columns: a narrower table squeezed the text to one character per line.
        scroll={{ x: columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), 0) }}
        locale={{ emptyText: view === 'pending' ? t.empty : t.emptyDecided }}
        pagination={{
          current: page,
          total,
          pageSize: 20,
          onChange: setPage,
          showTotal: (n) => fill(t.total, { n }),
        }}
      />
      <Modal
        open={deciding !== null}
        title={
          deciding &&
          fill(deciding.decision === 'approve' ? t.approveTitle : t.rejectTitle, { id: deciding.row.id })
        }
        okText={deciding?.decision === 'approve' ? t.approve : t.reject}
        okButtonProps={{ danger: deciding?.decision === 'reject', loading: saving }}
        cancelText={t.cancel}
        onOk={() => void submit()}
        onCancel={() => {
          setDeciding(null);
          setNote('');
        }}
        destroyOnHidden
      >
        {deciding && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert
              type={deciding.decision === 'approve' ? 'info' : 'warning'}
              showIcon
              title={fill(deciding.decision === 'approve' ? t.approveHint : t.rejectHint, {
                n: deciding.row.messageCount,
              })}
            />
            <div>{textCell(deciding.row)}</div>
            <Input.TextArea
              rows={3}
              maxLength={500}
              showCount
              value={note}
              placeholder={t.notePlaceholder}
              onChange={(e) => setNote(e.target.value)}
              data-testid="review-note"
            />
          </Space>
        )}
      </Modal>
      <Modal
        open={detail !== null}
        title={detail && `#${detail.id}`}
        footer={null}
        onCancel={() => setDetail(null)}
        width={640}
      >
        {detail && (
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t.app}>{detail.appName}</Descriptions.Item>
            <Descriptions.Item label={t.requester}>{detail.requestedBy ?? t.byInterface}</Descriptions.Item>
            <Descriptions.Item label={t.count}>{detail.messageCount}</Descriptions.Item>
            <Descriptions.Item label={t.batches}>{detail.batches}</Descriptions.Item>
            <Descriptions.Item label={t.charged}>{detail.charged}</Descriptions.Item>
            <Descriptions.Item label={t.sendAt}>
              {detail.sendAt === null ? t.now : beijingTime(detail.sendAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t.text} span={2}>
              {textCell(detail)}
            </Descriptions.Item>
            <Descriptions.Item label={t.recipients} span={2}>
              {detail.recipients.map((r) => (
                <Tag key={r.mobile}>{r.mobile}</Tag>
              ))}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
    </Card>
  );
}
