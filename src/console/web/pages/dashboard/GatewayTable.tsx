/** The Dashboard's gateway table: each link's live state, window in use, today's volume and rates. */
import { Progress, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { DashboardAnswer, DashboardGateway, RateRow } from '../../../contract/stats.js';
import { CARRIER_NAMES } from '../../components/MessageStatus.js';
import { useLang } from '../../i18n.js';
import type { DashboardTexts } from './texts.js';

const STATES: Record<string, { zh: string; en: string; color: string }> = {
  bound: { zh: '已连接', en: 'Bound', color: 'green' },
  connecting: { zh: '连接中', en: 'Connecting', color: 'gold' },
  binding: { zh: '登录中', en: 'Binding', color: 'gold' },
  unbinding: { zh: '断开中', en: 'Unbinding', color: 'orange' },
  idle: { zh: '空闲', en: 'Idle', color: 'default' },
  closed: { zh: '已断开', en: 'Closed', color: 'red' },
};

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function GatewayTable({ data, t }: { data: DashboardAnswer | null; t: DashboardTexts }) {
  const lang = useLang();
  const carrier = (c: string) => CARRIER_NAMES[c]?.[lang] ?? c;
  const rate30 = (id: string): RateRow | undefined => data?.byGateway.find((r) => r.key === id);
  const columns: TableColumnsType<DashboardGateway> = [
    {
      title: t.gateway,
      dataIndex: 'id',
      render: (id: string, g) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{id}</Typography.Text>
          <Typography.Text type="secondary">{g.carriers.map(carrier).join(' · ')}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t.protocol,
      dataIndex: 'protocol',
      width: 90,
      render: (p: string) => <Tag>{p.toUpperCase()}</Tag>,
    },
    {
      title: t.state,
      dataIndex: 'state',
      width: 110,
      render: (s: string) => <Tag color={STATES[s]?.color ?? 'default'}>{STATES[s]?.[lang] ?? s}</Tag>,
    },
    { title: t.links, width: 80, render: (_, g) => `${g.bound} / ${g.connections}` },
    {
      title: t.window,
      width: 160,
      render: (_, g) => (
        <Progress
          size="small"
          percent={g.windowTotal === 0 ? 0 : Math.round((g.inFlight / g.windowTotal) * 100)}
          format={() => `${g.inFlight}/${g.windowTotal}`}
        />
      ),
    },
    { title: t.tps, dataIndex: 'tps', width: 80 },
    { title: t.todayGw, width: 140, render: (_, g) => `${g.today.total} / ${percent(g.today.rate)}` },
    {
      title: t.rate30,
      width: 110,
      render: (_, g) => percent(rate30(g.id)?.rate ?? null),
    },
    { title: t.errors, width: 110, render: (_, g) => `${g.counters.rejected} / ${g.counters.retried}` },
    {
      title: t.lastError,
      dataIndex: 'lastError',
      ellipsis: true,
      render: (e: string | null) =>
        e === null ? t.none : <Typography.Text type="danger">{e}</Typography.Text>,
    },
  ];

  return (
    <Table<DashboardGateway>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={data?.gateways ?? []}
      pagination={false}
      locale={{ emptyText: t.noData }}
    />
  );
}
