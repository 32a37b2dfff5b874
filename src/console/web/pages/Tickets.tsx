/**
 * Card-loss and extension tickets (§7.3) for case handlers: the queue by status (待处理,
 * 处理中, 已办结) with the citizen masked as stored, 接单 to take one, 办结 to complete it with an
 * outcome and a result text while the dialog shows the very SMS the citizen will receive. The
 * queue refreshes itself every few seconds.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { CheckCircleOutlined, IdcardOutlined, ReloadOutlined, UserAddOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, query } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';
import { CompleteTicketDialog, kindName, type TicketRow } from '../components/TicketsComplete.js';

const TEXTS = defineTexts({
  zh: {
    title: '挂失工单',
    open: '待处理',
    handling: '处理中',
    finished: '已办结',
    refresh: '刷新',
    kind: '类型',
    allKinds: '全部类型',
    range: '受理时间',
    start: '开始时间',
    end: '结束时间',
    requestNo: '受理号',
    mobile: '手机号码',
    name: '姓名',
    ssn: '社会保障号码',
    status: '状态',
    handler: '处理人',
    cardSystem: '卡管系统',
    unassigned: '未分配',
    created: '受理时间',
    completed: '办结时间',
    result: '办理结果',
    actions: '操作',
    take: '接单',
    complete: '办结',
    identity: '身份信息',
    identityTitle: '受理号 {no} 的市民身份',
    identityNote: '完整身份信息仅供办理本单使用，每次查看均记入审计日志。',
    taken: '已接单：{no}',
    done: '已办结，结果短信已发送给市民',
    empty: '暂无工单',
    total: '共 {n} 件',
    OPEN: '待处理',
    HANDLING: '处理中',
    DONE: '已办结',
    REJECTED: '已退回',
    resultDone: '办理成功',
    resultRejected: '未能办理',
    hint: '市民发送 LSGS#（挂失）等指令后生成工单；办结后系统自动向市民发送结果短信。',
  },
  en: {
    title: 'Card-loss tickets',
    open: 'Open',
    handling: 'In progress',
    finished: 'Completed',
    refresh: 'Refresh',
    kind: 'Kind',
    allKinds: 'All kinds',
    range: 'Received',
    start: 'From',
    end: 'To',
    requestNo: 'Request no.',
    mobile: 'Mobile',
    name: 'Name',
    ssn: 'Social security no.',
    status: 'Status',
    handler: 'Handler',
    cardSystem: 'Card system',
    unassigned: 'Unassigned',
    created: 'Received',
    completed: 'Completed',
    result: 'Result',
    actions: 'Actions',
    take: 'Take',
    complete: 'Complete',
    identity: 'Identity',
    identityTitle: 'The citizen of {no}',
    identityNote:
      'The full identity is for handling this ticket only; every look is written to the audit log.',
    taken: 'Taken: {no}',
    done: 'Completed; the citizen has been sent the result',
    empty: 'No tickets',
    total: '{n} tickets',
    OPEN: 'Open',
    HANDLING: 'In progress',
    DONE: 'Done',
    REJECTED: 'Rejected',
    resultDone: 'Done',
    resultRejected: 'Not possible',
    hint: 'Citizens open tickets with LSGS# and similar commands; completing one texts them the result.',
  },
});

type Tab = 'open' | 'handling' | 'finished';
const TAB_STATUS: Record<Tab, string> = { open: 'OPEN', handling: 'HANDLING', finished: 'DONE,REJECTED' };
const STATUS_COLORS: Record<string, string> = {
  OPEN: 'orange',
  HANDLING: 'blue',
  DONE: 'green',
  REJECTED: 'red',
};
const PAGE_SIZE = 20;
const REFRESH_MS = 5000;

interface Identity {
  requestNo: string;
  mobile: string;
  name: string | null;
  ssn: string | null;
}

interface ListAnswer {
  total: number;
  tickets: TicketRow[];
  counts: Record<string, number>;
  kinds: string[];
}

export default function TicketsPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [tab, setTab] = useState<Tab>('open');
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<ListAnswer>({ total: 0, tickets: [], counts: {}, kinds: [] });
  const [loading, setLoading] = useState(true);
  const [completing, setCompleting] = useState<TicketRow | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [identity, setIdentity] = useState<Identity | null>(null);
  const { me } = useSession();

  const load = useCallback(
    async (quiet = false) => {
      if (!quiet) setLoading(true);
      try {
        setData(
          await api.get<ListAnswer>(
            `tickets${query({
              status: TAB_STATUS[tab],
              kind,
              from: range?.[0]?.format('YYYY-MM-DD HH:mm:ss'),
              to: range?.[1]?.format('YYYY-MM-DD HH:mm:ss'),
              page,
              pageSize: PAGE_SIZE,
            })}`,
          ),
        );
      } catch (err) {
        if (!quiet) void message.error(errorText(lang, err));
      } finally {
        if (!quiet) setLoading(false);
      }
    },
    [tab, kind, range, page, lang, message],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(true), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const take = async (row: TicketRow) => {
    setBusy(row.requestNo);
    try {
      await api.post(`tickets/${row.requestNo}/take`);
      void message.success(fill(t.taken, { no: row.requestNo }));
      await load(true);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setBusy(null);
    }
  };

  const reveal = async (row: TicketRow) => {
    setBusy(row.requestNo);
    try {
      setIdentity(await api.post<Identity>(`tickets/${row.requestNo}/identity`));
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<TicketRow> = [
    {
      title: t.requestNo,
      dataIndex: 'requestNo',
      width: 130,
      render: (v: string) => (
        <Typography.Text strong copyable>
          {v}
        </Typography.Text>
      ),
    },
    { title: t.kind, dataIndex: 'kind', width: 110, render: (v: string) => <Tag>{kindName(v, lang)}</Tag> },
    { title: t.mobile, dataIndex: 'mobile', width: 120 },
    { title: t.name, dataIndex: 'name', width: 80, render: (v: string | null) => v ?? '—' },
    { title: t.ssn, dataIndex: 'ssn', width: 180, render: (v: string | null) => v ?? '—' },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (v: string) => (
        <Tag color={STATUS_COLORS[v] ?? 'default'} data-testid={`ticket-status-${v}`}>
          {v in STATUS_COLORS ? t[v as 'OPEN'] : v}
        </Tag>
      ),
    },
    {
      title: t.handler,
      width: 110,
      render: (_, r) =>
        r.assignee ??
        (r.handler === 'card-system' ? (
          <Tooltip title={r.reference ?? undefined}>
            <Tag color="purple">{t.cardSystem}</Tag>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">{t.unassigned}</Typography.Text>
        )),
    },
    { title: t.created, dataIndex: 'createdAt', width: 160, render: (v: string) => beijingTime(v) },
    ...(tab === 'finished'
      ? ([
          {
            title: t.result,
            width: 180,
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <span>{r.result === 'done' ? t.resultDone : t.resultRejected}</span>
                {r.resultText !== null && <Typography.Text type="secondary">{r.resultText}</Typography.Text>}
              </Space>
            ),
          },
          { title: t.completed, dataIndex: 'completedAt', width: 160, render: (v: string) => beijingTime(v) },
        ] satisfies TableColumnsType<TicketRow>)
      : ([
          {
            title: t.actions,
            width: 250,
            fixed: 'right',
            render: (_, r) => (
              <Space size={4}>
                {r.status === 'OPEN' && (
                  <Button
                    size="small"
                    icon={<UserAddOutlined />}
                    loading={busy === r.requestNo}
                    onClick={() => void take(r)}
                    data-testid={`take-${r.requestNo}`}
                  >
                    {t.take}
                  </Button>
                )}
                {r.status === 'HANDLING' && r.assignee === me.user.username && (
                  <Button
                    size="small"
                    icon={<IdcardOutlined />}
                    loading={busy === r.requestNo}
                    onClick={() => void reveal(r)}
                    data-testid={`identity-${r.requestNo}`}
                  >
                    {t.identity}
                  </Button>
                )}
                <Button
                  size="small"
                  type="primary"
                  icon={<CheckCircleOutlined />}
                  onClick={() => setCompleting(r)}
                  data-testid={`complete-${r.requestNo}`}
                >
                  {t.complete}
                </Button>
              </Space>
            ),
          },
        ] satisfies TableColumnsType<TicketRow>)),
  ];

  const tabLabel = (key: Tab, status: string) => (
    <Space size={6}>
      {t[key]}
      <Badge
        count={data.counts[status] ?? 0}
        showZero={key !== 'finished'}
        overflowCount={999}
        color={key === 'open' ? '#fa8c16' : key === 'handling' ? '#1677ff' : '#52c41a'}
      />
    </Space>
  );

  return (
    <Card
      title={t.title}
      extra={
        <Space wrap>
          <Select
            allowClear
            placeholder={t.allKinds}
            style={{ width: 150 }}
            value={kind}
            onChange={(v: string | undefined) => {
              setKind(v);
              setPage(1);
            }}
            options={data.kinds.map((k) => ({ value: k, label: kindName(k, lang) }))}
          />
          <DatePicker.RangePicker
            showTime
            format="YYYY-MM-DD HH:mm"
            placeholder={[t.start, t.end]}
            value={range}
            onChange={(v) => {
              setRange(v);
              setPage(1);
            }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
        </Space>
      }
    >
      {messageHolder}
      <Modal
        open={identity !== null}
        title={identity && fill(t.identityTitle, { no: identity.requestNo })}
        footer={null}
        onCancel={() => setIdentity(null)}
        destroyOnHidden
      >
        {identity && (
          <>
            <Descriptions column={1} bordered size="small" data-testid="ticket-identity">
              <Descriptions.Item label={t.name}>{identity.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.ssn}>{identity.ssn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.mobile}>{identity.mobile}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t.identityNote}
            </Typography.Paragraph>
          </>
        )}
      </Modal>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t.hint}
      </Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setTab(k as Tab);
          setPage(1);
        }}
        items={[
          { key: 'open', label: tabLabel('open', 'OPEN') },
          { key: 'handling', label: tabLabel('handling', 'HANDLING') },
          {
            key: 'finished',
            label: (
              <Space size={6}>
                {t.finished}
                <Badge
                  count={(data.counts.DONE ?? 0) + (data.counts.REJECTED ?? 0)}
                  color="#52c41a"
                  overflowCount={999}
                />
              </Space>
            ),
          },
        ]}
      />
      <Table
        rowKey="requestNo"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data.tickets}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t.empty }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data.total,
          hideOnSinglePage: true,
          showTotal: (n) => fill(t.total, { n }),
          onChange: setPage,
        }}
        data-testid="tickets-table"
      />
      {completing !== null && (
        <CompleteTicketDialog
          ticket={completing}
          onClose={() => setCompleting(null)}
          onDone={() => {
            setCompleting(null);
            void message.success(t.done);
            void load(true);
          }}
        />
      )}
    </Card>
  );
}
