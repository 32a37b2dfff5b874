/**
 * The uplink inbox: what citizens texted, newest first — commands to the 12333 service with what
 * the platform answered, and replies to business systems by their extension code. Refreshes
 * itself; older messages load on demand. The call: contract/uplinks.ts.
 */
import { useCallback, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  message,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { UplinksAnswer, UplinkView } from '../../../contract/uplinks.js';
import { api, query } from '../../api.js';
import { beijingTime, errorText, fill, useLang, useTexts, type Lang } from '../../i18n.js';
import { SearchForm } from '../../components/SearchForm.js';
import { useApi } from '../../use-api.js';
import { OUTCOMES, TEXTS } from './texts.js';

interface Filters {
  owner?: string;
  mobile?: string;
  text?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function outcomeTag(lang: Lang, outcome: string | null, pending: string) {
  if (outcome === null) return <Tag>{pending}</Tag>;
  const known = OUTCOMES[outcome];
  return <Tag color={known?.color ?? 'default'}>{known ? known[lang] : outcome}</Tag>;
}

const REFRESH_MS = 10_000;

export default function UplinksPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [auto, setAuto] = useState(true);
  // Older pages the operator opened, after the first; while there are some, the first stays put.
  const [older, setOlder] = useState<{ rows: UplinkView[]; next: string | null } | null>(null);

  const params = useCallback(
    (after?: string) =>
      query({
        owner: filters.owner,
        mobile: filters.mobile?.trim(),
        text: filters.text?.trim(),
        from: filters.range?.[0]?.toISOString(),
        to: filters.range?.[1]?.toISOString(),
        after,
      }),
    [filters],
  );

  const first = useApi<UplinksAnswer>(
    `uplinks${params()}`,
    auto && older === null ? { pollMs: REFRESH_MS } : {},
  );
  const { error, loading } = first;
  const rows = [...(first.data?.uplinks ?? []), ...(older?.rows ?? [])];
  const next = older === null ? (first.data?.next ?? null) : older.next;
  const apps = first.data?.apps ?? [];
  const reload = () => {
    setOlder(null);
    void first.reload();
  };

  const more = async () => {
    if (next === null) return;
    try {
      const res = await api.get<UplinksAnswer>(`uplinks${params(next)}`);
      setOlder((o) => ({ rows: [...(o?.rows ?? []), ...res.uplinks], next: res.next }));
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const columns: TableColumnsType<UplinkView> = [
    { title: t.receivedAt, dataIndex: 'receivedAt', width: 170, render: (at: string) => beijingTime(at) },
    { title: t.mobile, dataIndex: 'mobile', width: 120 },
    {
      title: t.to,
      dataIndex: 'destId',
      width: 150,
      render: (dest: string, r) => (
        <Tooltip title={r.gateway}>
          <Typography.Text>{dest}</Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t.owner,
      dataIndex: 'owner',
      width: 150,
      render: (owner: string | null) =>
        owner === null ? <Tag color="geekblue">{t.citizen}</Tag> : <Tag color="purple">{owner}</Tag>,
    },
    {
      title: t.content,
      dataIndex: 'text',
      render: (text: string) => <Typography.Text>{text}</Typography.Text>,
    },
    {
      title: t.command,
      dataIndex: 'command',
      width: 100,
      render: (c: string | null) => (c === null ? '—' : <Typography.Text code>{c}</Typography.Text>),
    },
    {
      title: t.outcome,
      dataIndex: 'outcome',
      width: 130,
      render: (o: string | null, r) => (r.owner === null ? outcomeTag(lang, o, t.pending) : '—'),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t.hint} />
      <SearchForm<Filters>
        form={form}
        onSearch={(v) => {
          setOlder(null);
          setFilters(v);
        }}
        onReset={() => {
          form.resetFields();
          setOlder(null);
          setFilters({});
        }}
      >
        <Form.Item name="owner" label={t.owner}>
          <Select
            allowClear
            placeholder={t.allOwners}
            style={{ width: 180 }}
            options={[{ value: 'citizen', label: t.citizen }, ...apps.map((a) => ({ value: a, label: a }))]}
          />
        </Form.Item>
        <Form.Item name="mobile" label={t.mobile}>
          <Input allowClear placeholder={t.mobilePlaceholder} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="text" label={t.text}>
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="range" label={t.range}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
      </SearchForm>
      <Card
        extra={
          <Space>
            <span>{t.auto}</span>
            <Switch checked={auto} onChange={setAuto} size="small" />
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t.refresh}
            </Button>
          </Space>
        }
        title={fill(t.shown, { n: rows.length })}
      >
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Table<UplinkView>
          rowKey="id"
          size="middle"
          loading={loading && rows.length === 0}
          columns={columns}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t.empty }}
        />
        {next !== null && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => void more()}>{t.more}</Button>
          </div>
        )}
      </Card>
    </Space>
  );
}
