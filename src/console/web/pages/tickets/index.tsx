/**
 * Card-loss and extension tickets (§7.3) for case handlers: the queue by status (待处理,
 * 处理中, 已办结) with the citizen masked as stored, 接单 to take one, 办结 to complete it with an
 * outcome and a result text while the dialog shows the very SMS the citizen will receive. The
 * queue refreshes itself every few seconds. The calls: contract/tickets.ts.
 */
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  DatePicker,
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
import type { IdentityAnswer, TicketsAnswer, TicketView } from '../../../contract/tickets.js';
import { api, query } from '../../api.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useApi } from '../../use-api.js';
import { CompleteTicketDialog, IdentityDialog, kindName } from './TicketDialogs.js';
import { TEXTS } from './texts.js';

type Tab = 'open' | 'handling' | 'finished';
const TAB_STATUS: Record<Tab, string> = { open: 'OPEN', handling: 'HANDLING', finished: 'DONE,REJECTED' };
const STATUS_COLORS: Record<string, string> = {
  OPEN: 'orange',
  HANDLING: 'blue',
  DONE: 'green',
  REJECTED: 'red',
};
const PAGE_SIZE = 20;
const EMPTY_COUNTS = { OPEN: 0, HANDLING: 0, DONE: 0, REJECTED: 0 };
const REFRESH_MS = 5000;

export default function TicketsPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [tab, setTab] = useState<Tab>('open');
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [completing, setCompleting] = useState<TicketView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [identity, setIdentity] = useState<IdentityAnswer | null>(null);
  const { me } = useSession();
  const loaded = useApi<TicketsAnswer>(
    `tickets${query({
      status: TAB_STATUS[tab],
      kind,
      from: range?.[0]?.format('YYYY-MM-DD HH:mm:ss'),
      to: range?.[1]?.format('YYYY-MM-DD HH:mm:ss'),
      page,
      pageSize: PAGE_SIZE,
    })}`,
    { pollMs: REFRESH_MS },
  );
  const { reload } = loaded;
  const data = loaded.data ?? { total: 0, tickets: [], counts: EMPTY_COUNTS, kinds: [] };

  const take = async (row: TicketView) => {
    setBusy(row.requestNo);
    try {
      await api.post(`tickets/${row.requestNo}/take`);
      void message.success(fill(t.taken, { no: row.requestNo }));
      await reload();
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setBusy(null);
    }
  };

  const reveal = async (row: TicketView) => {
    setBusy(row.requestNo);
    try {
      setIdentity(await api.post<IdentityAnswer>(`tickets/${row.requestNo}/identity`));
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<TicketView> = [
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
        ] satisfies TableColumnsType<TicketView>)
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
        ] satisfies TableColumnsType<TicketView>)),
  ];

  const tabLabel = (key: Tab, status: 'OPEN' | 'HANDLING') => (
    <Space size={6}>
      {t[key]}
      <Badge
        count={data.counts[status]}
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
          <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
            {t.refresh}
          </Button>
        </Space>
      }
    >
      {messageHolder}
      {loaded.error !== null && (
        <Alert type="error" showIcon title={loaded.error} style={{ marginBottom: 16 }} />
      )}
      <IdentityDialog identity={identity} t={t} onClose={() => setIdentity(null)} />
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
                <Badge count={data.counts.DONE + data.counts.REJECTED} color="#52c41a" overflowCount={999} />
              </Space>
            ),
          },
        ]}
      />
      <Table
        rowKey="requestNo"
        size="middle"
        // The first load only: the queue refreshes itself every few seconds without a spinner.
        loading={loaded.loading && loaded.data === null}
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
            void reload();
          }}
        />
      )}
    </Card>
  );
}
