/**
 * Message search: filters on top (number, batch, message id, business system, status, carrier,
 * Beijing time range), newest first with older pages on demand, a detail drawer with the parts and
 * their reports, and a CSV export with progress. `#/messages?batchId=…` (and mobile, msgId, status)
 * opens the page already filtered — other pages link here.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, query } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { CARRIER_NAMES, STATUS_META, StatusTag } from '../components/MessageStatus.js';
import { MessageDetailDrawer, type MessageView } from '../components/MessagesDetail.js';
import { MessagesExport } from '../components/MessagesExport.js';

interface Filters {
  mobile?: string | undefined;
  batchId?: number | null | undefined;
  taskId?: number | null | undefined;
  msgId?: number | null | undefined;
  app?: string | undefined;
  status?: string | undefined;
  carrier?: string | undefined;
  range?: [Dayjs | null, Dayjs | null] | null | undefined;
}

interface SearchAnswer {
  rows: MessageView[];
  next: string | null;
  apps: string[];
  total: number;
  totalExceeds: boolean;
  task: { id: number; fileName: string | null; recipients: number } | null;
}

const PAGE = 50;

const TEXTS = defineTexts({
  zh: {
    mobile: '手机号码',
    mobilePlaceholder: '完整手机号码',
    batchId: '批次ID',
    msgId: '短信ID',
    app: '业务系统',
    status: '状态',
    carrier: '运营商',
    all: '全部',
    range: '提交时间',
    search: '查询',
    reset: '重置',
    refresh: '刷新',
    createdAt: '提交时间',
    content: '内容',
    segments: '条数',
    gateway: '网关',
    action: '操作',
    detail: '详情',
    prev: '上一页',
    next: '下一页',
    pageOf: '第 {page} / {pages} 页',
    task: '发送任务 #{id}{file} · 共 {n} 个号码',
    empty: '没有符合条件的短信',
    shown: '共 {n} 条',
    shownMore: '超过 {n} 条',
    hint: '手机号码已脱敏；查看完整号码须在详情中点击“显示完整号码”，该操作记入审计日志。验证码内容入库时已屏蔽。',
  },
  en: {
    mobile: 'Mobile',
    mobilePlaceholder: 'Whole mobile number',
    batchId: 'Batch ID',
    msgId: 'Message ID',
    app: 'Business system',
    status: 'Status',
    carrier: 'Carrier',
    all: 'All',
    range: 'Created',
    search: 'Search',
    reset: 'Reset',
    refresh: 'Refresh',
    createdAt: 'Created',
    content: 'Text',
    segments: 'Parts',
    gateway: 'Gateway',
    action: 'Action',
    detail: 'Details',
    prev: 'Previous',
    next: 'Next',
    pageOf: 'Page {page} of {pages}',
    task: 'Send task #{id}{file} · {n} numbers',
    empty: 'No matching messages',
    shown: '{n} in all',
    shownMore: 'more than {n}',
    hint: 'Numbers are masked; a whole number is shown only through “Show whole number” in the details, which is audited. Verification codes were masked before storage.',
  },
});

const DEEP_LINK_KEYS = ['batchId', 'taskId', 'msgId', 'mobile', 'status', 'app', 'carrier'] as const;

/** The filters in the query part of the hash (`#/messages?batchId=12`). */
function filtersFromHash(): Filters {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const out: Filters = {};
  for (const key of DEEP_LINK_KEYS) {
    const v = q.get(key);
    if (v === null || v === '') continue;
    if (key === 'batchId' || key === 'taskId' || key === 'msgId') {
      const n = Number(v);
      if (Number.isSafeInteger(n) && n > 0) out[key] = n;
    } else out[key] = v;
  }
  return out;
}

/** The filters as the API reads them. */
function apiFilters(f: Filters): Record<string, string | number | undefined> {
  return {
    mobile: f.mobile?.trim() || undefined,
    batchId: f.batchId ?? undefined,
    taskId: f.taskId ?? undefined,
    msgId: f.msgId ?? undefined,
    app: f.app,
    status: f.status,
    carrier: f.carrier,
    from: f.range?.[0]?.toISOString(),
    to: f.range?.[1]?.toISOString(),
  };
}

export default function MessagesPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>(filtersFromHash);
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  // Keyset pages: the cursor each page starts after (the first starts at the top).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pageNo, setPageNo] = useState(0);
  const [apps, setApps] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // New filters start again at the first page.
  const applyFilters = useCallback((f: Filters) => {
    setFilters(f);
    setCursors([null]);
    setPageNo(0);
  }, []);

  // A deep link followed while the page is open (another page's link) replaces the filters.
  useEffect(() => {
    const onHash = () => {
      if (!window.location.hash.startsWith('#/messages')) return;
      const f = filtersFromHash();
      form.resetFields();
      form.setFieldsValue(f);
      applyFilters(f);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [form, applyFilters]);

  const after = cursors[pageNo] ?? null;
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const res = await api.get<SearchAnswer>(
        `messages${query({ ...apiFilters(filters), after, limit: PAGE })}`,
      );
      setAnswer(res);
      setApps(res.apps);
      if (res.next !== null) setCursors((c) => [...c.slice(0, pageNo + 1), res.next]);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [filters, lang, after, pageNo]);

  useEffect(() => {
    void load();
  }, [load]);

  const rows = answer?.rows ?? [];
  const pages = Math.max(1, Math.ceil((answer?.total ?? 0) / PAGE));

  const columns: TableColumnsType<MessageView> = [
    { title: t.createdAt, dataIndex: 'createdAt', width: 165, render: (at: string) => beijingTime(at) },
    {
      title: t.msgId,
      dataIndex: 'msgId',
      width: 110,
      render: (id: string, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text>{id}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t.batchId} {r.batchId}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t.app, dataIndex: 'app', width: 100, render: (a: string | null) => a ?? '—' },
    {
      title: t.mobile,
      dataIndex: 'mobile',
      width: 130,
      render: (m: string, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text>{m}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {CARRIER_NAMES[r.carrier]?.[lang] ?? r.carrier}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t.content,
      dataIndex: 'content',
      ellipsis: { showTitle: false },
      render: (c: string) => (
        <Tooltip title={c} placement="topLeft">
          {c}
        </Tooltip>
      ),
    },
    {
      title: t.status,
      dataIndex: 'status',
      width: 170,
      render: (s: string, r) => (
        <Space size={4}>
          <StatusTag status={s} lang={lang} />
          {r.stat !== null && <Typography.Text code>{r.stat}</Typography.Text>}
        </Space>
      ),
    },
    { title: t.segments, dataIndex: 'segments', width: 60, align: 'right' },
    { title: t.gateway, dataIndex: 'gateway', width: 90, render: (g: string | null) => g ?? '—' },
    {
      title: t.action,
      key: 'action',
      width: 76,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setOpen(r.msgId)}>
          {t.detail}
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t.hint} />
      <Card size="small">
        <Form<Filters>
          form={form}
          layout="inline"
          initialValues={filters}
          onFinish={(v) => applyFilters(v)}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="mobile" label={t.mobile}>
            <Input allowClear placeholder={t.mobilePlaceholder} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="batchId" label={t.batchId}>
            <InputNumber min={1} controls={false} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="msgId" label={t.msgId}>
            <InputNumber min={1} controls={false} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="app" label={t.app}>
            <Select
              allowClear
              placeholder={t.all}
              style={{ width: 140 }}
              options={apps.map((a) => ({ value: a, label: a }))}
            />
          </Form.Item>
          <Form.Item name="status" label={t.status}>
            <Select
              allowClear
              placeholder={t.all}
              style={{ width: 120 }}
              options={Object.entries(STATUS_META).map(([value, m]) => ({ value, label: m[lang] }))}
            />
          </Form.Item>
          <Form.Item name="carrier" label={t.carrier}>
            <Select
              allowClear
              placeholder={t.all}
              style={{ width: 120 }}
              options={Object.entries(CARRIER_NAMES).map(([value, m]) => ({ value, label: m[lang] }))}
            />
          </Form.Item>
          <Form.Item name="range" label={t.range}>
            <DatePicker.RangePicker showTime />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t.search}
              </Button>
              <Button
                onClick={() => {
                  form.setFieldsValue({
                    mobile: undefined,
                    batchId: null,
                    taskId: null,
                    msgId: null,
                    app: undefined,
                    status: undefined,
                    carrier: undefined,
                    range: null,
                  });
                  applyFilters({});
                }}
              >
                {t.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card
        title={
          <Space data-testid="messages-total">
            {answer?.task && (
              <Typography.Text data-testid="messages-task">
                {fill(t.task, {
                  id: answer.task.id,
                  file: answer.task.fileName === null ? '' : ` · ${answer.task.fileName}`,
                  n: answer.task.recipients,
                })}
              </Typography.Text>
            )}
            <span>
              {fill(answer?.totalExceeds === true ? t.shownMore : t.shown, { n: answer?.total ?? 0 })}
            </span>
          </Space>
        }
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              {t.refresh}
            </Button>
            <MessagesExport filters={apiFilters(filters)} />
          </Space>
        }
      >
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Table<MessageView>
          rowKey="msgId"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t.empty }}
          onRow={(r) => ({ onDoubleClick: () => setOpen(r.msgId) })}
        />
        <Space
          style={{ width: '100%', justifyContent: 'center', marginTop: 16 }}
          data-testid="messages-pager"
        >
          <Button disabled={pageNo === 0} onClick={() => setPageNo((p) => p - 1)}>
            {t.prev}
          </Button>
          <Typography.Text data-testid="messages-page">
            {fill(t.pageOf, { page: pageNo + 1, pages: answer?.totalExceeds === true ? `${pages}+` : pages })}
          </Typography.Text>
          <Button
            disabled={answer?.next == null || cursors[pageNo + 1] === undefined}
            onClick={() => setPageNo((p) => p + 1)}
          >
            {t.next}
          </Button>
        </Space>
      </Card>
      <MessageDetailDrawer msgId={open} onClose={() => setOpen(null)} />
    </Space>
  );
}
