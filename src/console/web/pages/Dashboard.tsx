/**
 * The dashboard: today's volume, delivery rate, queue and uplinks as KPI cards; the last 30 days,
 * the delivery rate by carrier, today's statuses and hours as charts; the gateways' live state.
 * Refreshes every 5 s unless paused; all days and hours are Beijing time (the server counts them).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Progress,
  Row,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts, type Lang } from '../i18n.js';
import { CARRIER_NAMES, STATUS_META } from '../components/MessageStatus.js';

interface Tally {
  total: number;
  delivered: number;
  failed: number;
  blocked: number;
  pending: number;
}

interface RateRow {
  key: string;
  delivered: number;
  failed: number;
  pending: number;
  total: number;
  rate: number | null;
}

interface GatewayRow {
  id: string;
  protocol: string;
  carriers: string[];
  state: string;
  bound: number;
  connections: number;
  inFlight: number;
  queued: number;
  windowTotal: number;
  tps: number;
  counters: { submitted: number; accepted: number; rejected: number; retried: number };
  lastError: string | null;
  today: { total: number; delivered: number; failed: number; rate: number | null };
}

interface Dashboard {
  at: string;
  day: string;
  today: Tally & { rate: number | null; byStatus: Record<string, number>; uplinks: number };
  hourly: (Tally & { hour: number })[];
  daily: (Tally & { day: string; uplinks: number })[];
  byCarrier: RateRow[];
  byGateway: RateRow[];
  queue: Record<string, number>;
  gateways: GatewayRow[];
  /** Per province account (the ministry platform, docs/federation.md). */
  byProvince?: RateRow[];
  phoneData?: { date: string; entries: number; blocks: string[]; lastError: string | null } | null;
  backup?: {
    latest: { status: 'running' | 'ok' | 'failed'; startedAt: string } | null;
    lastOk: { startedAt: string; bytes: number | null; trigger: string } | null;
  };
}

const TEXTS = defineTexts({
  zh: {
    todaySent: '今日发送',
    delivered: '送达',
    failed: '失败',
    rate: '送达率',
    rateHint: '送达 / 已有结果',
    queued: '排队中',
    queueHint: '待审 {held} · 待发 {q} · 发送中 {s} · 待回执 {sub}',
    uplinks: '今日上行',
    daily: '近 30 天发送量',
    byCarrier: '各运营商送达率（近 30 天）',
    statusPie: '今日状态分布',
    hourly: '今日每小时发送量',
    gateways: '网关状态',
    byProvince: '各省账户发送量与送达率（近 30 天）',
    province: '省份',
    phoneData: '号段数据 {date}，{entries} 条，覆盖 {blocks}',
    phoneDataError: '号段数据更新被拒绝：{error}',
    gateway: '网关',
    protocol: '协议',
    state: '状态',
    links: '连接',
    window: '窗口占用',
    tps: 'TPS',
    todayGw: '今日发送 / 送达率',
    errors: '拒绝 / 重试',
    lastError: '最近错误',
    auto: '自动刷新',
    refresh: '刷新',
    lastRefresh: '最后刷新 {at}',
    lastBackup: '最近备份 {at}',
    noBackup: '尚无备份',
    backupFailed: '最近一次备份失败 {at}',
    total: '发送',
    uplinkSeries: '上行',
    none: '—',
    noData: '暂无数据',
    hour: '{h}时',
    rate30: '近 30 天送达率',
  },
  en: {
    todaySent: 'Sent today',
    delivered: 'Delivered',
    failed: 'Failed',
    rate: 'Delivery rate',
    rateHint: 'delivered / finished',
    queued: 'In queue',
    queueHint: 'held {held} · queued {q} · sending {s} · awaiting report {sub}',
    uplinks: 'Uplinks today',
    daily: 'Last 30 days',
    byCarrier: 'Delivery rate by carrier (30 days)',
    statusPie: 'Statuses today',
    hourly: 'Today by hour',
    gateways: 'Gateways',
    byProvince: 'Messages and delivery rate by province account (30 days)',
    province: 'Province',
    phoneData: 'Segment data {date}, {entries} entries, covering {blocks}',
    phoneDataError: 'Segment data update refused: {error}',
    gateway: 'Gateway',
    protocol: 'Protocol',
    state: 'State',
    links: 'Links',
    window: 'Window in use',
    tps: 'TPS',
    todayGw: 'Today / rate',
    errors: 'Rejected / retried',
    lastError: 'Last error',
    auto: 'Auto refresh',
    refresh: 'Refresh',
    lastRefresh: 'Refreshed {at}',
    lastBackup: 'Last backup {at}',
    noBackup: 'No backup yet',
    backupFailed: 'The latest backup failed {at}',
    total: 'Sent',
    uplinkSeries: 'Uplinks',
    none: '—',
    noData: 'No data',
    hour: '{h}:00',
    rate30: '30-day rate',
  },
});

const REFRESH_MS = 5000;

const STATES: Record<string, { zh: string; en: string; color: string }> = {
  bound: { zh: '已连接', en: 'Bound', color: 'green' },
  connecting: { zh: '连接中', en: 'Connecting', color: 'gold' },
  binding: { zh: '登录中', en: 'Binding', color: 'gold' },
  unbinding: { zh: '断开中', en: 'Unbinding', color: 'orange' },
  idle: { zh: '空闲', en: 'Idle', color: 'default' },
  closed: { zh: '已断开', en: 'Closed', color: 'red' },
};

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** The four charts' ECharts options. */
function chartOptions(data: Dashboard | null, t: Record<keyof (typeof TEXTS)['zh'], string>, lang: Lang) {
  const status = (s: string) => STATUS_META[s]?.[lang] ?? s;
  const carrier = (c: string) => CARRIER_NAMES[c]?.[lang] ?? c;
  const dailyOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t.total, t.delivered, t.failed, t.uplinkSeries] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: data?.daily.map((d) => d.day.slice(5)) ?? [] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t.total,
        type: 'line',
        smooth: true,
        areaStyle: { opacity: 0.08 },
        data: data?.daily.map((d) => d.total),
      },
      { name: t.delivered, type: 'line', smooth: true, data: data?.daily.map((d) => d.delivered) },
      {
        name: t.failed,
        type: 'line',
        smooth: true,
        data: data?.daily.map((d) => d.failed),
        color: '#ff4d4f',
      },
      {
        name: t.uplinkSeries,
        type: 'line',
        smooth: true,
        data: data?.daily.map((d) => d.uplinks),
        color: '#722ed1',
      },
    ],
  };
  const carrierOption: ChartOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${String(v)}%` },
    grid: { left: 48, right: 24, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: data?.byCarrier.map((r) => carrier(r.key)) ?? [] },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 40,
        data: data?.byCarrier.map((r) => (r.rate === null ? null : Math.round(r.rate * 1000) / 10)),
        label: { show: true, position: 'top', formatter: '{c}%' },
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
  const pieOption: ChartOption = {
    tooltip: { trigger: 'item' },
    legend: { orient: 'vertical', right: 8, top: 'middle' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '70%'],
        center: ['40%', '50%'],
        data: Object.entries(data?.today.byStatus ?? {}).map(([s, n]) => ({
          name: status(s),
          value: n,
          itemStyle: { color: STATUS_META[s]?.hex },
        })),
      },
    ],
  };
  const hourlyOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t.delivered, t.failed, t.queued] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: {
      type: 'category',
      data: data?.hourly.map((h) => fill(t.hour, { h: String(h.hour).padStart(2, '0') })) ?? [],
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t.delivered,
        type: 'bar',
        stack: 'h',
        data: data?.hourly.map((h) => h.delivered),
        color: '#52c41a',
      },
      {
        name: t.failed,
        type: 'bar',
        stack: 'h',
        data: data?.hourly.map((h) => h.failed + h.blocked),
        color: '#ff4d4f',
      },
      { name: t.queued, type: 'bar', stack: 'h', data: data?.hourly.map((h) => h.pending), color: '#faad14' },
    ],
  };

  return { dailyOption, carrierOption, pieOption, hourlyOption };
}

export default function DashboardPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(await api.get<Dashboard>('stats/dashboard'));
      setError(null);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [lang]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!auto) return undefined;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto, load]);

  const carrier = (c: string) => CARRIER_NAMES[c]?.[lang] ?? c;
  const q = data?.queue ?? {};
  const queued = Object.values(q).reduce((n, v) => n + v, 0);

  const chartKey = data ? JSON.stringify([data.daily, data.byCarrier, data.today.byStatus, data.hourly]) : '';
  const { dailyOption, carrierOption, pieOption, hourlyOption } = useMemo(
    () => chartOptions(data, t, lang),
    // Only when what the charts draw changed: a poll with the same numbers does not replay their animation.
    [chartKey, t, lang],
  );

  const columns: TableColumnsType<GatewayRow> = [
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
      render: (_, g) => percent(data?.byGateway.find((r) => r.key === g.id)?.rate ?? null),
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
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Row justify="end">
        <Space>
          <Typography.Text
            type={
              data?.backup?.latest?.status === 'failed' || data?.backup?.lastOk === null
                ? 'warning'
                : 'secondary'
            }
            data-testid="last-backup"
          >
            {data?.backup === undefined
              ? ''
              : data.backup.latest?.status === 'failed'
                ? t.backupFailed.replace('{at}', beijingTime(data.backup.latest.startedAt))
                : data.backup.lastOk
                  ? t.lastBackup.replace('{at}', beijingTime(data.backup.lastOk.startedAt))
                  : t.noBackup}
          </Typography.Text>
          <Typography.Text type="secondary" data-testid="last-refresh">
            {data ? t.lastRefresh.replace('{at}', beijingTime(data.at)) : ''}
          </Typography.Text>
          <span>{t.auto}</span>
          <Switch checked={auto} onChange={setAuto} size="small" data-testid="auto-refresh" />
          <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void load()}>
            {t.refresh}
          </Button>
        </Space>
      </Row>
      {error !== null && <Alert type="error" showIcon title={error} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="kpi-today">
            <Statistic title={t.todaySent} value={data?.today.total ?? 0} />
            <Typography.Text type="secondary">
              {t.delivered} {data?.today.delivered ?? 0} · {t.failed} {data?.today.failed ?? 0}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="kpi-rate">
            <Statistic
              title={t.rate}
              value={data?.today.rate === null || data === null ? '—' : (data.today.rate * 100).toFixed(1)}
              suffix={data?.today.rate === null || data === null ? undefined : '%'}
              styles={{ content: { color: '#389e0d' } }}
            />
            <Typography.Text type="secondary">{t.rateHint}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="kpi-queue">
            <Statistic title={t.queued} value={queued} />
            <Typography.Text type="secondary">
              {t.queueHint
                .replace('{held}', String(q.HELD ?? 0))
                .replace('{q}', String(q.QUEUED ?? 0))
                .replace('{s}', String(q.SENDING ?? 0))
                .replace('{sub}', String(q.SUBMITTED ?? 0))}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="kpi-uplinks">
            <Statistic title={t.uplinks} value={data?.today.uplinks ?? 0} />
            <Typography.Text type="secondary">{data?.day ?? ''}</Typography.Text>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t.daily} size="small">
            <Chart option={dailyOption} height={300} testId="chart-daily" />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t.byCarrier} size="small">
            <Chart option={carrierOption} height={300} testId="chart-carrier" />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t.statusPie} size="small">
            <Chart option={pieOption} height={280} testId="chart-status" />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card title={t.hourly} size="small">
            <Chart option={hourlyOption} height={280} testId="chart-hourly" />
          </Card>
        </Col>
      </Row>
      {data?.phoneData && (
        <Typography.Text type={data.phoneData.lastError ? 'warning' : 'secondary'} data-testid="phone-data">
          {fill(t.phoneData, {
            date: data.phoneData.date,
            entries: data.phoneData.entries,
            blocks: data.phoneData.blocks.join(' '),
          })}
          {data.phoneData.lastError
            ? ` — ${fill(t.phoneDataError, { error: data.phoneData.lastError })}`
            : ''}
        </Typography.Text>
      )}
      {(data?.byProvince?.length ?? 0) > 0 && (
        <Card title={t.byProvince} size="small" data-testid="by-province">
          <Table<RateRow>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={data?.byProvince ?? []}
            columns={[
              { title: t.province, dataIndex: 'key' },
              { title: t.total, dataIndex: 'total' },
              { title: t.delivered, dataIndex: 'delivered' },
              { title: t.rate, dataIndex: 'rate', render: (r: number | null) => percent(r) },
            ]}
          />
        </Card>
      )}
      <Card title={t.gateways} size="small">
        <Table<GatewayRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.gateways ?? []}
          pagination={false}
          locale={{ emptyText: t.noData }}
        />
      </Card>
    </Space>
  );
}
