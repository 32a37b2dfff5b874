/**
 * The uplink inbox: what citizens texted, newest first — commands to the 12333 service with what
 * the platform answered, and replies to business systems by their extension code. Refreshes
 * itself; older messages load on demand.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, query } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts, type Lang } from '../i18n.js';

interface Uplink {
  id: string;
  mobile: string;
  ext: string;
  destId: string;
  gateway: string;
  owner: string | null;
  text: string;
  receivedAt: string;
  status: string;
  handledAt: string | null;
  command: string | null;
  outcome: string | null;
}

interface InboxAnswer {
  uplinks: Uplink[];
  next: string | null;
  apps: string[];
}

interface Filters {
  owner?: string;
  mobile?: string;
  text?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const TEXTS = defineTexts({
  zh: {
    owner: '归属',
    allOwners: '全部',
    citizen: '12333 市民服务',
    mobile: '手机号码',
    mobilePlaceholder: '完整手机号码',
    text: '内容包含',
    range: '接收时间',
    search: '查询',
    reset: '重置',
    refresh: '刷新',
    auto: '自动刷新',
    receivedAt: '接收时间',
    to: '接收号码',
    content: '短信内容',
    command: '指令',
    outcome: '处理结果',
    pending: '处理中',
    more: '加载更早的短信',
    empty: '暂无上行短信',
    shown: '已显示 {n} 条',
    hint: '市民发往 12333 的指令由平台自动答复；发往业务系统扩展码的回复转交该业务系统（/api/sms/replies）。手机号码与证件号码已脱敏，指令中的服务密码在入库前已屏蔽。',
  },
  en: {
    owner: 'Owner',
    allOwners: 'All',
    citizen: '12333 citizen service',
    mobile: 'Mobile',
    mobilePlaceholder: 'Whole mobile number',
    text: 'Text contains',
    range: 'Received',
    search: 'Search',
    reset: 'Reset',
    refresh: 'Refresh',
    auto: 'Auto refresh',
    receivedAt: 'Received',
    to: 'To',
    content: 'Text',
    command: 'Command',
    outcome: 'Outcome',
    pending: 'Handling',
    more: 'Load older messages',
    empty: 'No uplink messages',
    shown: '{n} shown',
    hint: 'Commands to 12333 are answered by the platform; replies to a business system’s extension code go to that system (/api/sms/replies). Numbers are masked; service passwords were masked before storage.',
  },
});

/** What the command engine did, in words; unknown outcomes are shown as they are. */
const OUTCOMES: Record<string, { zh: string; en: string; color: string }> = {
  bound: { zh: '绑定成功', en: 'Bound', color: 'green' },
  'already-bound': { zh: '已绑定', en: 'Already bound', color: 'green' },
  moved: { zh: '绑定已转移', en: 'Binding moved', color: 'green' },
  unbound: { zh: '已解绑', en: 'Unbound', color: 'green' },
  answered: { zh: '已答复', en: 'Answered', color: 'green' },
  none: { zh: '无记录', en: 'Nothing on record', color: 'default' },
  changed: { zh: '密码已修改', en: 'Password changed', color: 'green' },
  unsubscribed: { zh: '已退订', en: 'Unsubscribed', color: 'orange' },
  resubscribed: { zh: '已恢复', en: 'Resubscribed', color: 'green' },
  cancelled: { zh: '已取消服务', en: 'Service cancelled', color: 'orange' },
  'ticket-staff': { zh: '已受理(人工)', en: 'Ticket for staff', color: 'blue' },
  'ticket-card-system': { zh: '已受理(卡管)', en: 'Ticket to card system', color: 'blue' },
  'wrong-password': { zh: '密码错误', en: 'Wrong password', color: 'red' },
  locked: { zh: '已锁定', en: 'Locked', color: 'red' },
  'ssn-invalid': { zh: '证件号无效', en: 'Invalid SSN', color: 'red' },
  'no-person': { zh: '查无此人', en: 'No such person', color: 'red' },
  'not-bound': { zh: '未绑定', en: 'Not bound', color: 'default' },
  which: { zh: '待选择', en: 'Asked which', color: 'default' },
  help: { zh: '发送帮助', en: 'Help sent', color: 'default' },
  malformed: { zh: '格式错误', en: 'Malformed', color: 'default' },
  'backend-down': { zh: '业务系统不可用', en: 'Backend down', color: 'red' },
};

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
  const [rows, setRows] = useState<Uplink[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [apps, setApps] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const shown = useRef(0);

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

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const res = await api.get<InboxAnswer>(`uplinks${params()}`);
      setRows(res.uplinks);
      setNext(res.next);
      setApps(res.apps);
      shown.current = res.uplinks.length;
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [params, lang]);

  const more = async () => {
    if (next === null) return;
    try {
      const res = await api.get<InboxAnswer>(`uplinks${params(next)}`);
      setRows((r) => [...r, ...res.uplinks]);
      setNext(res.next);
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    // Only the first page refreshes itself: older pages the operator opened stay put.
    if (!auto || shown.current !== rows.length) return undefined;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto, load, rows.length]);

  const columns: TableColumnsType<Uplink> = [
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
      <Card size="small">
        <Form<Filters> form={form} layout="inline" onFinish={(v) => setFilters(v)} style={{ rowGap: 12 }}>
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
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t.search}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({});
                }}
              >
                {t.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card
        extra={
          <Space>
            <span>{t.auto}</span>
            <Switch checked={auto} onChange={setAuto} size="small" />
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              {t.refresh}
            </Button>
          </Space>
        }
        title={fill(t.shown, { n: rows.length })}
      >
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Table<Uplink>
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
