/**
 * The interface access log for the auditor (docs/console.md "Interface access log"): every call of
 * the business systems — refusals and password locks included — searched by time, account, source
 * address, path and code, a page at a time with the total, and exported as CSV.
 */
import { useState } from 'react';
import {
  Alert,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { RESULT_CODES } from '../../../../domain/result-codes.js';
import type {
  InterfaceLogAnswer,
  InterfaceLogEntry,
  InterfaceLogFilter,
} from '../../../contract/interface-log.js';
import { query } from '../../api.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { SearchForm } from '../../components/SearchForm.js';
import { beijingTime, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useApi } from '../../use-api.js';
import { TEXTS } from './texts.js';

interface FilterValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  appName?: string;
  ip?: string;
  path?: string;
  code?: number;
  refused?: boolean;
}

/** The picker's wall-clock fields are Beijing time, as everything on the console. */
function toFilter(v: FilterValues): InterfaceLogFilter {
  const [from, to] = v.range ?? [null, null];
  return {
    from: from?.format('YYYY-MM-DD HH:mm:ss'),
    to: to?.format('YYYY-MM-DD HH:mm:ss'),
    appName: v.appName,
    ip: v.ip,
    path: v.path,
    code: v.code,
    refused: v.refused === true ? true : undefined,
  };
}

const CODE_OPTIONS = Object.values(RESULT_CODES).map((c) => ({ code: c.code, zh: c.msg, en: c.en }));

export default function InterfaceLogPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [form] = Form.useForm<FilterValues>();
  const [filter, setFilter] = useState<InterfaceLogFilter>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 50 });
  const { data, error, loading } = useApi<InterfaceLogAnswer>(
    `interface-log${query({ ...filter, ...paging })}`,
  );

  const columns: TableColumnsType<InterfaceLogEntry> = [
    { title: t.time, dataIndex: 'at', width: 170, render: (at: string) => beijingTime(at) },
    { title: t.appName, dataIndex: 'appName', render: (a: string | null) => a ?? '—' },
    { title: t.ip, dataIndex: 'sourceIp', width: 140 },
    {
      title: t.path,
      dataIndex: 'path',
      render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
    },
    {
      title: t.code,
      dataIndex: 'code',
      width: 80,
      render: (c: number | null) => (c === null ? '—' : <Tag color={c === 1 ? 'success' : 'error'}>{c}</Tag>),
    },
    { title: t.numbers, dataIndex: 'numbers', width: 80, align: 'right' },
    {
      title: t.duration,
      dataIndex: 'durationMs',
      width: 90,
      align: 'right',
      render: (n: number) => fill(t.ms, { n }),
    },
    {
      title: t.msg,
      dataIndex: 'msg',
      ellipsis: { showTitle: false },
      render: (m: string | null) => (m === null ? '' : <Tooltip title={m}>{m}</Tooltip>),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <SearchForm<FilterValues>
        form={form}
        title={t.filters}
        onSearch={(v) => {
          setFilter(toFilter(v));
          setPaging((p) => ({ ...p, page: 1 }));
        }}
        onReset={() => {
          form.resetFields();
          setFilter({});
          setPaging((p) => ({ ...p, page: 1 }));
        }}
      >
        <Form.Item name="range" label={t.range}>
          <DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm:ss" placeholder={[t.start, t.end]} />
        </Form.Item>
        <Form.Item name="appName" label={t.appName}>
          <Input allowClear style={{ width: 130 }} data-testid="ilog-app" />
        </Form.Item>
        <Form.Item name="ip" label={t.ip}>
          <Input allowClear style={{ width: 140 }} data-testid="ilog-ip" />
        </Form.Item>
        <Form.Item name="path" label={t.path} tooltip={t.pathHelp}>
          <Input allowClear style={{ width: 160 }} data-testid="ilog-path" />
        </Form.Item>
        <Form.Item name="code" label={t.code}>
          <Select
            allowClear
            placeholder={t.all}
            style={{ width: 200 }}
            data-testid="ilog-code"
            options={CODE_OPTIONS.map((c) => ({ value: c.code, label: `${c.code} ${c[lang]}` }))}
          />
        </Form.Item>
        <Form.Item name="refused" valuePropName="checked">
          <Checkbox data-testid="ilog-refused">{t.refused}</Checkbox>
        </Form.Item>
      </SearchForm>
      {error && <Alert type="error" showIcon title={error} />}
      <Card
        title={t.list}
        extra={
          <ListToolbar
            exportHref={
              session.can('audit.export') ? `/console/api/interface-log/export${query(filter)}` : null
            }
            exportTestId="ilog-export"
          />
        }
      >
        <ListTable<InterfaceLogEntry>
          rowKey="id"
          columns={columns}
          rows={data?.entries ?? []}
          loading={loading}
          empty={t.empty}
          totalText={(n) => <span data-testid="ilog-total">{fill(t.total, { n })}</span>}
          paging={{
            ...paging,
            total: data?.total ?? 0,
            onChange: (page, pageSize) => setPaging({ page, pageSize }),
          }}
        />
      </Card>
    </Space>
  );
}
