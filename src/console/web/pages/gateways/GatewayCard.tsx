/** One gateway: its state, settings, window use, counters, and the operator's controls. */
import {
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  Popconfirm,
  Progress,
  Row,
  Space,
  Statistic,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { GatewayView } from '../../../contract/gateways.js';
import { beijingTime, fill } from '../../i18n.js';
import type { GatewayTexts } from './texts.js';

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

type StateKey = 'bound' | 'connecting' | 'down' | 'disabled' | 'paused';

function stateOf(g: GatewayView): { key: StateKey; color: string } {
  if (!g.enabled || !g.live) return { key: 'disabled', color: 'default' };
  if (g.paused) return { key: 'paused', color: 'warning' };
  if (g.live.bound > 0) return { key: 'bound', color: 'success' };
  if (g.live.state === 'connecting' || g.live.state === 'binding')
    return { key: 'connecting', color: 'processing' };
  return { key: 'down', color: 'error' };
}

export interface GatewayActions {
  change: (g: GatewayView, change: { paused?: boolean; enabled?: boolean }) => void;
  tune: (g: GatewayView) => void;
  remove: (g: GatewayView) => void;
}

export function GatewayCard({ g, t, actions }: { g: GatewayView; t: GatewayTexts; actions: GatewayActions }) {
  const state = stateOf(g);
  const windowAll = g.live ? g.live.window : g.window * g.connections;
  const used = g.live?.inFlight ?? 0;
  const percent = windowAll > 0 ? Math.round((used / windowAll) * 100) : 0;
  const controls = (
    <Space size={4} wrap>
      {g.enabled &&
        (g.paused ? (
          <Button
            size="small"
            type="primary"
            data-testid={`gateway-resume-${g.id}`}
            onClick={() => actions.change(g, { paused: false })}
          >
            {t.resume}
          </Button>
        ) : (
          <Popconfirm title={t.pauseConfirm} onConfirm={() => actions.change(g, { paused: true })}>
            <Button size="small" data-testid={`gateway-pause-${g.id}`}>
              {t.pause}
            </Button>
          </Popconfirm>
        ))}
      <Button size="small" data-testid={`gateway-tune-${g.id}`} onClick={() => actions.tune(g)}>
        {t.tune}
      </Button>
      {g.enabled ? (
        <Popconfirm title={t.disableConfirm} onConfirm={() => actions.change(g, { enabled: false })}>
          <Button size="small" danger>
            {t.disable}
          </Button>
        </Popconfirm>
      ) : (
        <Button size="small" onClick={() => actions.change(g, { enabled: true })}>
          {t.enable}
        </Button>
      )}
      {g.origin === 'console' && (
        <Popconfirm title={fill(t.removeConfirm, { id: g.id })} onConfirm={() => actions.remove(g)}>
          <Button size="small" danger type="text">
            {t.remove}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
  return (
    <Card
      data-testid={`gateway-${g.id}`}
      title={
        <Space>
          <Badge status={state.color as 'success' | 'processing' | 'error' | 'default' | 'warning'} />
          <Typography.Text strong>{g.id}</Typography.Text>
          <Tag>{g.protocol.toUpperCase()}</Tag>
          {g.origin === 'console' && <Tag color="purple">{t.fromConsole}</Tag>}
          <Tag color={state.color} data-testid={`gateway-state-${g.id}`}>
            {t[state.key]}
          </Tag>
        </Space>
      }
      extra={controls}
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
        <Descriptions.Item label={t.tps}>
          <span data-testid={`gateway-tps-${g.id}`}>{fill(t.tpsValue, { n: g.tps })}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t.queued}>{g.live?.queued ?? 0}</Descriptions.Item>
      </Descriptions>
      {g.configured && g.changedBy !== null && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {fill(t.changed, {
            who: g.changedBy,
            time: beijingTime(g.changedAt),
            tps: g.configured.tps,
            window: g.configured.window,
          })}
        </Typography.Paragraph>
      )}
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
        <div style={{ marginTop: 4 }} data-testid={`gateway-warning-${g.id}`}>
          <Typography.Text type="secondary">{t.warning}: </Typography.Text>
          <Tooltip title={g.live.warning}>
            <Typography.Text type="warning" ellipsis style={{ maxWidth: 420 }}>
              {g.live.warning}
            </Typography.Text>
          </Tooltip>
        </div>
      )}
    </Card>
  );
}
