/**
 * The dashboard: today's volume, delivery rate, queue and uplinks as KPI cards; the last 30 days,
 * the delivery rate by carrier, today's statuses and hours as charts; the gateways' live state.
 * Refreshes every 5 s unless paused; all days and hours are Beijing time (the server counts them).
 * The answer's shape: contract/stats.ts.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Row, Space, Statistic, Switch, Table, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { DashboardAnswer, RateRow } from '../../../contract/stats.js';
import { Chart } from '../../components/Chart.js';
import { beijingTime, fill, useLang, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import { chartOptions } from './charts.js';
import { GatewayTable, percent } from './GatewayTable.js';
import { TEXTS } from './texts.js';

const REFRESH_MS = 5000;

export default function DashboardPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [auto, setAuto] = useState(true);
  const { data, error, loading, reload } = useApi<DashboardAnswer>(
    'stats/dashboard',
    auto ? { pollMs: REFRESH_MS } : {},
  );

  const q = data?.queue ?? {};
  const queued = Object.values(q).reduce((n, v) => n + v, 0);

  const chartKey = data ? JSON.stringify([data.daily, data.byCarrier, data.today.byStatus, data.hourly]) : '';
  const { dailyOption, carrierOption, pieOption, hourlyOption } = useMemo(
    () => chartOptions(data, t, lang),
    // Only when what the charts draw changed: a poll with the same numbers does not replay their animation.
    [chartKey, t, lang],
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Row justify="end">
        <Space>
          <Typography.Text
            type={
              data?.backup.latest?.status === 'failed' || data?.backup.lastOk === null
                ? 'warning'
                : 'secondary'
            }
            data-testid="last-backup"
          >
            {data === null
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
          <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void reload()}>
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
      {(data?.byProvince.length ?? 0) > 0 && (
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
        <GatewayTable data={data} t={t} />
      </Card>
    </Space>
  );
}
