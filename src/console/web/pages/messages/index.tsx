/**
 * Message search: filters on top (number, batch, message id, business system, status, carrier,
 * Beijing time range), newest first with older pages on demand, a detail drawer with the parts and
 * their reports, and a CSV export with progress. `#/messages?batchId=…` (and mobile, msgId, status)
 * opens the page already filtered — other pages link here. The calls: contract/messages.ts.
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
import { ReloadOutlined } from '@ant-design/icons';
import type { MessagesAnswer, MessageView } from '../../../contract/messages.js';
import { query } from '../../api.js';
import { beijingTime, fill, useLang, useTexts } from '../../i18n.js';
import { CARRIER_NAMES, STATUS_META, StatusTag } from '../../components/MessageStatus.js';
import { SearchForm } from '../../components/SearchForm.js';
import { useApi } from '../../use-api.js';
import { MessageDetailDrawer } from './DetailDrawer.js';
import { MessagesExport } from './ExportButton.js';
import { apiFilters, filtersFromHash, type Filters } from './filters.js';
import { TEXTS } from './texts.js';

const PAGE = 50;

export default function MessagesPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>(filtersFromHash);
  // Keyset pages: the cursor each page starts after (the first starts at the top).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pageNo, setPageNo] = useState(0);
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
  const {
    data: answer,
    error,
    loading,
    reload,
  } = useApi<MessagesAnswer>(`messages${query({ ...apiFilters(filters), after, limit: PAGE })}`);
  // The page after this one starts where this one ends.
  const next = answer?.next ?? null;
  useEffect(() => {
    if (next !== null) setCursors((c) => [...c.slice(0, pageNo + 1), next]);
  }, [next, pageNo]);
  const apps = answer?.apps ?? [];

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
      <SearchForm<Filters>
        form={form}
        initialValues={filters}
        onSearch={(v) => applyFilters(v)}
        onReset={() => {
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
      </SearchForm>
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
            <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
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
