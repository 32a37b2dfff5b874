/**
 * The audit log (§8.1 c), for the auditor: search by time (Beijing), kind, actor, action
 * and result; each entry's detail in a drawer; a CSV export of what the filter selects; and a check
 * of the hash chain that names the first broken entry.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Select,
  Switch,
  Space,
  Table,
  Tag,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { DownloadOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, query } from '../api.js';
import {
  actionName,
  AuditDrawer,
  KIND_NAMES,
  RESULT_NAMES,
  rolesText,
  type AuditEntryView,
  type AuditKind,
  type AuditResult,
} from '../components/AuditParts.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';
import { PAGES } from './registry.js';

const TEXTS = defineTexts({
  zh: {
    filters: '查询条件',
    range: '时间（北京时间）',
    start: '开始时间',
    end: '结束时间',
    kind: '类别',
    actor: '操作人',
    action: '操作包含',
    actionCol: '操作',
    result: '结果',
    all: '全部',
    search: '查询',
    reset: '重置',
    export: '导出 CSV',
    verify: '校验完整性',
    verifyOk: '校验通过：共 {count} 条记录完好（序号 {first}–{last}），链头哈希 {hash}',
    verifyBad: '校验失败：序号 {seq} 的记录{problem}；此前 {verified} 条完好',
    head: '（链头）被改动',
    missing: '缺失（中间或开头的记录被删除）',
    relinked: '与前一条的哈希链接不符（记录被替换或插入）',
    changed: '内容被改动',
    truncated: '及其后的记录被删除（末尾截断）',
    list: '审计记录',
    seq: '序号',
    time: '时间（北京时间）',
    role: '角色',
    source: '来源地址',
    target: '对象',
    detail: '详情',
    view: '查看',
    total: '共 {n} 条',
    empty: '没有符合条件的审计记录',
    routine: '显示例行查询',
  },
  en: {
    filters: 'Filters',
    range: 'Time (Beijing)',
    start: 'From',
    end: 'To',
    kind: 'Kind',
    actor: 'Actor',
    action: 'Action contains',
    actionCol: 'Action',
    result: 'Result',
    all: 'All',
    search: 'Search',
    reset: 'Reset',
    export: 'Export CSV',
    verify: 'Verify integrity',
    verifyOk: 'Verified: {count} entries intact (seq {first}–{last}), head hash {hash}',
    verifyBad:
      'Verification failed at entry {seq} (seq {seq}): {problem}; {verified} entries intact before it',
    head: 'the head row was altered',
    missing: 'entry missing (deleted from the middle or the start)',
    relinked: 'previous hash does not match (entry replaced or inserted)',
    changed: 'entry content changed',
    truncated: 'entries deleted from the end',
    list: 'Audit entries',
    seq: 'Seq',
    time: 'Time (Beijing)',
    role: 'Roles',
    source: 'Source',
    target: 'Target',
    detail: 'Detail',
    view: 'View',
    total: '{n} entries',
    empty: 'No audit entries match',
    routine: 'Show routine reads',
  },
});

interface FilterValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  kind?: AuditKind;
  actor?: string;
  action?: string;
  result?: AuditResult;
  /** Successful API reads are folded away unless asked for. */
  showRoutine?: boolean;
}

/** Page keys (`send`, `messages`) in the operator's words, as the menu names them. */
function targetText(action: string, target: string | null, lang: 'zh' | 'en'): string {
  if (target === null) return '—';
  if (action !== 'page.view') return target;
  const page = PAGES.find((p) => p.key === target);
  return page ? `${page[lang]}（${target}）` : target;
}

type Verdict =
  | { ok: true; count: number; firstSeq: number; lastSeq: number; lastHash: string }
  | {
      ok: false;
      seq: number;
      problem: 'head' | 'missing' | 'relinked' | 'changed' | 'truncated';
      verified: number;
    };

/** A known action by name; an API call as its method and the path below /console/api. */
function ActionCell({ action }: { action: string }) {
  const lang = useLang();
  const name = actionName(action, lang);
  if (name !== null) return <span title={action}>{name}</span>;
  const api = /^api (\w+) \/console\/api(\/.*)$/.exec(action);
  if (api)
    return (
      <span title={action}>
        <Tag variant="filled" style={{ marginRight: 4, fontSize: 11 }}>
          {api[1]}
        </Tag>
        <Typography.Text style={{ fontSize: 12 }}>{api[2]}</Typography.Text>
      </span>
    );
  return (
    <Typography.Text code style={{ fontSize: 12 }}>
      {action}
    </Typography.Text>
  );
}

/** The picker's wall-clock fields are Beijing time, as everything on the console. */
function filterQuery(v: FilterValues): Record<string, string | undefined> {
  const [from, to] = v.range ?? [null, null];
  return {
    from: from?.format('YYYY-MM-DD HH:mm:ss'),
    to: to?.format('YYYY-MM-DD HH:mm:ss'),
    kind: v.kind,
    actor: v.actor,
    action: v.action,
    result: v.result,
    routine: v.showRoutine === true ? 'show' : 'hide',
  };
}

export default function AuditPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [form] = Form.useForm<FilterValues>();
  const [message, messageHolder] = antMessage.useMessage();
  const [filters, setFilters] = useState<Record<string, string | undefined>>({ routine: 'hide' });
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [data, setData] = useState<{ total: number; entries: AuditEntryView[] }>({ total: 0, entries: [] });
  const [loading, setLoading] = useState(true);
  const [open, setOpen] = useState<AuditEntryView | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(
        await api.get<{ total: number; entries: AuditEntryView[] }>(
          `audit${query({ ...filters, page: paging.page, pageSize: paging.pageSize })}`,
        ),
      );
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [filters, paging, lang, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const verify = async () => {
    setVerifying(true);
    try {
      setVerdict(await api.post<Verdict>('audit/verify'));
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setVerifying(false);
    }
  };

  const columns: TableColumnsType<AuditEntryView> = [
    { title: t.seq, dataIndex: 'seq', width: 80 },
    { title: t.time, dataIndex: 'at', width: 170, render: (at: string) => beijingTime(at) },
    {
      title: t.kind,
      dataIndex: 'kind',
      width: 80,
      render: (k: AuditKind) => <Tag color={KIND_NAMES[k].color}>{KIND_NAMES[k][lang]}</Tag>,
    },
    { title: t.actor, dataIndex: 'actor', ellipsis: true },
    { title: t.role, dataIndex: 'role', ellipsis: true, render: (r: string | null) => rolesText(r, lang) },
    { title: t.source, dataIndex: 'sourceIp', width: 130, render: (ip: string | null) => ip ?? '—' },
    {
      title: t.actionCol,
      dataIndex: 'action',
      width: 240,
      ellipsis: true,
      render: (a: string) => <ActionCell action={a} />,
    },
    {
      title: t.target,
      dataIndex: 'target',
      ellipsis: true,
      render: (x: string | null, e) => targetText(e.action, x, lang),
    },
    {
      title: t.result,
      dataIndex: 'result',
      width: 80,
      render: (r: AuditResult) => <Tag color={RESULT_NAMES[r].color}>{RESULT_NAMES[r][lang]}</Tag>,
    },
    {
      title: t.detail,
      key: 'detail',
      width: 70,
      render: (_: unknown, e) => <Typography.Link onClick={() => setOpen(e)}>{t.view}</Typography.Link>,
    },
  ];

  const kindOptions = (Object.keys(KIND_NAMES) as AuditKind[]).map((k) => ({
    value: k,
    label: KIND_NAMES[k][lang],
  }));
  const resultOptions = (Object.keys(RESULT_NAMES) as AuditResult[]).map((r) => ({
    value: r,
    label: RESULT_NAMES[r][lang],
  }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {messageHolder}
      <Card title={t.filters} size="small">
        <Form<FilterValues>
          form={form}
          layout="inline"
          onFinish={(v) => {
            setFilters(filterQuery(v));
            setPaging((p) => ({ ...p, page: 1 }));
          }}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="range" label={t.range}>
            <DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm:ss" placeholder={[t.start, t.end]} />
          </Form.Item>
          <Form.Item name="kind" label={t.kind}>
            <Select allowClear placeholder={t.all} options={kindOptions} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="result" label={t.result}>
            <Select allowClear placeholder={t.all} options={resultOptions} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="actor" label={t.actor}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="action" label={t.action}>
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="showRoutine" label={t.routine} valuePropName="checked">
            <Switch data-testid="audit-routine" />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t.search}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({ routine: 'hide' });
                  setPaging((p) => ({ ...p, page: 1 }));
                }}
              >
                {t.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {verdict !== null && (
        <Alert
          data-testid="audit-verdict"
          type={verdict.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setVerdict(null) }}
          title={
            verdict.ok
              ? fill(t.verifyOk, {
                  count: verdict.count,
                  first: verdict.firstSeq,
                  last: verdict.lastSeq,
                  hash: verdict.lastHash === '' ? '—' : `${verdict.lastHash.slice(0, 16)}…`,
                })
              : fill(t.verifyBad, {
                  seq: verdict.seq,
                  problem: t[verdict.problem],
                  verified: verdict.verified,
                })
          }
        />
      )}
      <Card
        title={t.list}
        extra={
          <Space>
            {session.can('audit.export') && (
              <Button
                icon={<DownloadOutlined />}
                href={`/console/api/audit/export${query(filters)}`}
                download
              >
                {t.export}
              </Button>
            )}
            <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()}>
              {t.verify}
            </Button>
          </Space>
        }
      >
        <Table<AuditEntryView>
          rowKey="seq"
          size="middle"
          columns={columns}
          dataSource={data.entries}
          loading={loading}
          locale={{ emptyText: t.empty }}
          onRow={(e) => ({ onDoubleClick: () => setOpen(e) })}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data.total,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => fill(t.total, { n }),
            onChange: (page, pageSize) => setPaging({ page, pageSize }),
          }}
        />
      </Card>
      <AuditDrawer entry={open} onClose={() => setOpen(null)} />
    </Space>
  );
}
