/**
 * Carrier gateways: each link with its live state, refreshed every 5 seconds, and the operator's
 * controls — pause and resume, rate and window, switch off and on, add and remove a link — applied
 * without a restart (docs/console.md "Gateways").
 */
import { useState } from 'react';
import { Alert, Button, Col, Empty, Row, Space, Spin, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { GatewayAdd, GatewayChange, GatewaysAnswer, GatewayView } from '../../../contract/gateways.js';
import { api } from '../../api.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useAction, useApi } from '../../use-api.js';
import { GatewayCard } from './GatewayCard.js';
import { AddDialog, TuneDialog } from './GatewayDialogs.js';
import { TEXTS } from './texts.js';

export default function GatewaysPage() {
  const t = useTexts(TEXTS);
  const { data, error, reload } = useApi<GatewaysAnswer>('gateways', { pollMs: 5000 });
  const act = useAction(reload);
  const [tuning, setTuning] = useState<GatewayView | null>(null);
  const [adding, setAdding] = useState(false);

  const change = (g: GatewayView, body: GatewayChange, done: string) =>
    act(() => api.put(`gateways/${encodeURIComponent(g.id)}`, body), done);

  if (data === null && error === null) return <Spin style={{ display: 'block', margin: 64 }} />;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t.title}
        </Typography.Title>
        <Space>
          {data && (
            <Typography.Text type="secondary">{fill(t.hint, { time: beijingTime(data.at) })}</Typography.Text>
          )}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t.add}
          </Button>
        </Space>
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {data?.gateways.length === 0 && <Empty description={t.empty} />}
      <Row gutter={[16, 16]}>
        {(data?.gateways ?? []).map((g) => (
          <Col key={g.id} xs={24} xl={12}>
            <GatewayCard
              g={g}
              t={t}
              actions={{
                change: (gw, body) =>
                  void change(
                    gw,
                    body,
                    body.paused === true
                      ? t.pausedDone
                      : body.paused === false
                        ? t.resumedDone
                        : body.enabled === true
                          ? t.enabledDone
                          : t.disabledDone,
                  ),
                tune: setTuning,
                remove: (gw) =>
                  void act(() => api.delete(`gateways/${encodeURIComponent(gw.id)}`), t.removedDone),
              }}
            />
          </Col>
        ))}
      </Row>
      <TuneDialog
        g={tuning}
        t={t}
        onClose={() => setTuning(null)}
        onSave={(values) => {
          if (!tuning) return;
          void change(tuning, values, t.tunedDone).then((ok) => ok && setTuning(null));
        }}
      />
      <AddDialog
        open={adding}
        t={t}
        onClose={() => setAdding(false)}
        onSave={(values: GatewayAdd) =>
          void act(() => api.post('gateways', values), t.addedDone).then((ok) => ok && setAdding(false))
        }
      />
    </Space>
  );
}
