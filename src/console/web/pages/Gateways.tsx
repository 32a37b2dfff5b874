/**
 * Carrier gateways: each configured link with its live state from the router, refreshed
 * every 5 seconds. Read-only: links are configured in the configuration file.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Card,
  Col,
  Descriptions,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Statistic,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { api } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '网关状态',
    hint: '每 5 秒自动刷新 · 上次刷新 {time}',
    bound: '已连接',
    connecting: '连接中',
    down: '断开',
    disabled: '未启用',
    refused: '账户被拒（慢速重试）',
    paused: '余额不足，已暂停',
    address: '地址',
    carriers: '运营商',
    spNumber: '接入号',
    links: '连接数',
    linksValue: '{bound} / {all} 已绑定',
    window: '滑动窗口',
    windowValue: '{used} / {all}（每连接 {per}）',
    queued: '排队',
    tps: '限速',
    tpsValue: '{n} 条/秒',
    submitted: '已提交',
    accepted: '网关接受',
    rejected: '网关拒绝',
    retried: '重试',
    unanswered: '无应答',
    reports: '状态报告',
    uplinks: '上行',
    reconnects: '重连',
    errors: '错误',
    lastError: '最近错误',
    warning: '告警',
    none: '无',
    empty: '未配置网关',
    cmcc: '移动',
    cucc: '联通',
    ctcc: '电信',
    cbn: '广电',
    mvno: '虚拟运营商',
  },
  en: {
    title: 'Gateways',
    hint: 'Refreshed every 5 s · last {time}',
    bound: 'Connected',
    connecting: 'Connecting',
    down: 'Down',
    disabled: 'Disabled',
    refused: 'Account refused (retrying slowly)',
    paused: 'Paused: balance used up',
    address: 'Address',
    carriers: 'Carriers',
    spNumber: 'SP number',
    links: 'Connections',
    linksValue: '{bound} / {all} bound',
    window: 'Window',
    windowValue: '{used} / {all} ({per} per link)',
    queued: 'Queued',
    tps: 'Rate limit',
    tpsValue: '{n}/s',
    submitted: 'Submitted',
    accepted: 'Accepted',
    rejected: 'Rejected',
    retried: 'Retried',
    unanswered: 'Unanswered',
    reports: 'Reports',
    uplinks: 'Uplinks',
    reconnects: 'Reconnects',
    errors: 'Errors',
    lastError: 'Last error',
    warning: 'Warning',
    none: 'none',
    empty: 'No gateways configured',
    cmcc: 'China Mobile',
    cucc: 'China Unicom',
    ctcc: 'China Telecom',
    cbn: 'CBN',
    mvno: 'MVNO',
  },
});

interface Live {
  state: 'idle' | 'connecting' | 'binding' | 'bound' | 'unbinding' | 'closed' | 'refused' | 'paused';
  bound: number;
  inFlight: number;
  queued: number;
  window: number;
  tps: number;
  counters: Record<
    | 'submitted'
    | 'accepted'
    | 'rejected'
    | 'retried'
    | 'unanswered'
    | 'reports'
    | 'uplinks'
    | 'reconnects'
    | 'errors',
    number
  >;
  lastError: string | null;
  /** Why a link is used although the carrier's login answer did not prove the secret (warn mode). */
  warning?: string | null;
}
interface GatewayView {
  id: string;
  protocol: string;
  host: string;
  port: number;
  carriers: ('cmcc' | 'cucc' | 'ctcc' | 'cbn' | 'mvno')[];
  spNumber: string;
  connections: number;
  window: number;
  tps: number;
  enabled: boolean;
  live: Live | null;
}

const COUNTERS = [
  'submitted',
  'accepted',
  'rejected',
  'retried',
  'unanswered',
  'reports',
  'uplinks',
  'reconnects',
  'errors',
] as const;

function stateOf(g: GatewayView): {
  key: 'bound' | 'connecting' | 'down' | 'disabled' | 'refused' | 'paused';
  color: string;
} {
  if (!g.enabled || !g.live) return { key: 'disabled', color: 'default' };
  if (g.live.bound > 0) return { key: 'bound', color: 'success' };
  // The ministry link's own states (docs/federation.md).
  if (g.live.state === 'refused') return { key: 'refused', color: 'error' };
  if (g.live.state === 'paused') return { key: 'paused', color: 'warning' };
  if (g.live.state === 'connecting' || g.live.state === 'binding')
    return { key: 'connecting', color: 'processing' };
  return { key: 'down', color: 'error' };
}

export default function GatewaysPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [gateways, setGateways] = useState<GatewayView[] | null>(null);
  const [at, setAt] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await api.get<{ at: string; gateways: GatewayView[] }>('gateways');
      setGateways(answer.gateways);
      setAt(answer.at);
      setError(null);
    } catch (err) {
      setError(errorText(lang, err));
    }
  }, [lang]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [load]);

  if (gateways === null && error === null) return <Spin style={{ display: 'block', margin: 64 }} />;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t.title}
        </Typography.Title>
        {at && <Typography.Text type="secondary">{fill(t.hint, { time: beijingTime(at) })}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {gateways?.length === 0 && <Empty description={t.empty} />}
      <Row gutter={[16, 16]}>
        {(gateways ?? []).map((g) => {
          const state = stateOf(g);
          const windowAll = g.live ? g.live.window : g.window * g.connections;
          const used = g.live?.inFlight ?? 0;
          const percent = windowAll > 0 ? Math.round((used / windowAll) * 100) : 0;
          return (
            <Col key={g.id} xs={24} xl={12}>
              <Card
                data-testid={`gateway-${g.id}`}
                title={
                  <Space>
                    <Badge
                      status={state.color as 'success' | 'processing' | 'error' | 'warning' | 'default'}
                    />
                    <Typography.Text strong>{g.id}</Typography.Text>
                    <Tag>{g.protocol.toUpperCase()}</Tag>
                  </Space>
                }
                extra={
                  <Tag color={state.color} data-testid={`gateway-state-${g.id}`}>
                    {t[state.key]}
                  </Tag>
                }
              >
                <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
                  <Descriptions.Item label={t.address}>
                    {g.host}:{g.port}
                  </Descriptions.Item>
                  <Descriptions.Item label={t.spNumber}>{g.spNumber}</Descriptions.Item>
                  <Descriptions.Item label={t.carriers}>
                    <Space size={[0, 4]} wrap>
                      {g.carriers.map((c) => (
                        <Tag key={c} color="blue">
                          {t[c]}
                        </Tag>
                      ))}
                    </Space>
                  </Descriptions.Item>
                  <Descriptions.Item label={t.links}>
                    {fill(t.linksValue, { bound: g.live?.bound ?? 0, all: g.connections })}
                  </Descriptions.Item>
                  <Descriptions.Item label={t.tps}>{fill(t.tpsValue, { n: g.tps })}</Descriptions.Item>
                  <Descriptions.Item label={t.queued}>{g.live?.queued ?? 0}</Descriptions.Item>
                </Descriptions>
                <Typography.Text type="secondary">
                  {t.window}: {fill(t.windowValue, { used, all: windowAll, per: g.window })}
                </Typography.Text>
                <Progress percent={percent} status={percent >= 90 ? 'exception' : 'normal'} size="small" />
                <Row gutter={[8, 8]} style={{ marginTop: 12 }}>
                  {COUNTERS.map((c) => (
                    <Col key={c} span={8}>
                      <Statistic
                        title={t[c]}
                        value={g.live?.counters[c] ?? 0}
                        styles={{
                          content: {
                            fontSize: 18,
                            ...((c === 'errors' || c === 'rejected') &&
                              (g.live?.counters[c] ?? 0) > 0 && { color: '#cf1322' }),
                          },
                        }}
                      />
                    </Col>
                  ))}
                </Row>
                <div style={{ marginTop: 12 }}>
                  <Typography.Text type="secondary">{t.lastError}: </Typography.Text>
                  {g.live?.lastError ? (
                    <Tooltip title={g.live.lastError}>
                      <Typography.Text type="danger" ellipsis style={{ maxWidth: 420 }}>
                        {g.live.lastError}
                      </Typography.Text>
                    </Tooltip>
                  ) : (
                    <Typography.Text type="secondary">{t.none}</Typography.Text>
                  )}
                </div>
                {g.live?.warning && (
                  <div style={{ marginTop: 4 }}>
                    <Typography.Text type="secondary">{t.warning}: </Typography.Text>
                    <Tooltip title={g.live.warning}>
                      <Typography.Text type="warning" ellipsis style={{ maxWidth: 420 }}>
                        {g.live.warning}
                      </Typography.Text>
                    </Tooltip>
                  </div>
                )}
              </Card>
            </Col>
          );
        })}
      </Row>
    </Space>
  );
}
