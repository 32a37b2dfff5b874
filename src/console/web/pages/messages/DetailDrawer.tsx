/**
 * One message in a drawer: what was sent to whom, its parts as a timeline (submitted, then the
 * carrier's report) and the delivery report; the whole number only after an explicit, audited
 * "show" click.
 */
import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
  message,
} from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import type { MessageDetail } from '../../../contract/messages.js';
import { api } from '../../api.js';
import { beijingTime, defineTexts, errorText, useLang, useTexts } from '../../i18n.js';
import { CARRIER_NAMES, StatusTag } from '../../components/MessageStatus.js';
import { useApi } from '../../use-api.js';

const TEXTS = defineTexts({
  zh: {
    title: '短信详情',
    msgId: '短信ID',
    batchId: '批次ID',
    app: '业务系统',
    mobile: '手机号码',
    unmask: '显示完整号码',
    unmasked: '已显示完整号码（已记入审计日志）',
    carrier: '运营商',
    content: '内容',
    status: '状态',
    stat: '回执状态',
    error: '错误',
    segments: '条数 / 计费',
    created: '提交时间',
    submitted: '发往网关',
    done: '完成时间',
    gateway: '网关',
    parts: '分段与回执',
    part: '第 {n}/{total} 段',
    carrierMsgId: '运营商消息ID',
    partSubmitted: '提交网关',
    partDone: '收到回执',
    waiting: '等待回执',
    noParts: '尚未发往网关',
    report: '状态报告',
    reportAt: '报告时间',
    fetched: '业务系统可取',
  },
  en: {
    title: 'Message',
    msgId: 'Message ID',
    batchId: 'Batch ID',
    app: 'Business system',
    mobile: 'Mobile',
    unmask: 'Show whole number',
    unmasked: 'Whole number shown (audited)',
    carrier: 'Carrier',
    content: 'Text',
    status: 'Status',
    stat: 'Report stat',
    error: 'Error',
    segments: 'Segments / charged',
    created: 'Created',
    submitted: 'Submitted',
    done: 'Finished',
    gateway: 'Gateway',
    parts: 'Parts and reports',
    part: 'Part {n}/{total}',
    carrierMsgId: 'Carrier message id',
    partSubmitted: 'Submitted',
    partDone: 'Report',
    waiting: 'Awaiting report',
    noParts: 'Not sent to a gateway yet',
    report: 'Delivery report',
    reportAt: 'Reported',
    fetched: 'Offered to the business system',
  },
});

/** Labels on one line: the drawer is wide enough for the Chinese labels. */
const LABEL = { whiteSpace: 'nowrap' } as const;

export function MessageDetailDrawer({ msgId, onClose }: { msgId: string | null; onClose: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const loaded = useApi<MessageDetail>(msgId === null ? null : `messages/${msgId}`);
  // An answer for another message (the one open before) is not shown.
  const detail = loaded.data?.message.msgId === msgId ? loaded.data : null;
  const error = loaded.error;
  const [whole, setWhole] = useState<string | null>(null);
  const [unmasking, setUnmasking] = useState(false);

  useEffect(() => setWhole(null), [msgId]);

  const unmask = async () => {
    if (msgId === null) return;
    setUnmasking(true);
    try {
      const res = await api.post<{ mobile: string }>(`messages/${msgId}/unmask`);
      setWhole(res.mobile);
      void message.success(t.unmasked);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setUnmasking(false);
    }
  };

  const m = detail?.message;
  return (
    <Drawer open={msgId !== null} onClose={onClose} title={t.title} size={680} destroyOnHidden>
      {error !== null && <Alert type="error" showIcon title={error} />}
      {!m && error === null && <Spin />}
      {m && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions column={2} size="small" bordered styles={{ label: LABEL }}>
            <Descriptions.Item label={t.msgId}>{m.msgId}</Descriptions.Item>
            <Descriptions.Item label={t.batchId}>{m.batchId}</Descriptions.Item>
            <Descriptions.Item label={t.mobile} span={2}>
              <Space>
                <Typography.Text strong data-testid="detail-mobile">
                  {whole ?? m.mobile}
                </Typography.Text>
                {whole === null && (
                  <Button
                    size="small"
                    icon={<EyeOutlined />}
                    loading={unmasking}
                    onClick={() => void unmask()}
                  >
                    {t.unmask}
                  </Button>
                )}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t.app}>{m.app ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t.carrier}>
              {CARRIER_NAMES[m.carrier]?.[lang] ?? m.carrier}
            </Descriptions.Item>
            <Descriptions.Item label={t.content} span={2}>
              {m.content}
            </Descriptions.Item>
            <Descriptions.Item label={t.status}>
              <StatusTag status={m.status} lang={lang} />
            </Descriptions.Item>
            <Descriptions.Item label={t.stat}>{m.stat ?? '—'}</Descriptions.Item>
            {m.error !== null && (
              <Descriptions.Item label={t.error} span={2}>
                <Typography.Text type="danger">{m.error}</Typography.Text>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t.segments}>
              {m.segments} / {m.charged}
            </Descriptions.Item>
            <Descriptions.Item label={t.gateway}>{m.gateway ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t.created}>{beijingTime(m.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t.submitted}>{beijingTime(m.submittedAt)}</Descriptions.Item>
            <Descriptions.Item label={t.done} span={2}>
              {beijingTime(m.doneAt)}
            </Descriptions.Item>
          </Descriptions>

          <div data-testid="detail-parts">
            <Typography.Title level={5}>{t.parts}</Typography.Title>
            {detail.parts.length === 0 ? (
              <Empty description={t.noParts} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                items={detail.parts.map((p) => ({
                  color: p.stat === 'DELIVRD' ? 'green' : p.doneAt === null ? 'blue' : 'red',
                  content: (
                    <Space orientation="vertical" size={2}>
                      <Space>
                        <Typography.Text strong>
                          {t.part.replace('{n}', String(p.partNo)).replace('{total}', String(p.total))}
                        </Typography.Text>
                        <Tag
                          color={p.stat === 'DELIVRD' ? 'success' : p.stat === null ? 'processing' : 'error'}
                        >
                          {p.stat ?? t.waiting}
                        </Tag>
                        <Typography.Text type="secondary">{p.gateway}</Typography.Text>
                      </Space>
                      <Typography.Text type="secondary">
                        {t.carrierMsgId}: <Typography.Text code>{p.carrierMsgId}</Typography.Text>
                      </Typography.Text>
                      <Typography.Text type="secondary">
                        {t.partSubmitted} {beijingTime(p.submittedAt)}
                        {p.doneAt !== null && ` · ${t.partDone} ${beijingTime(p.doneAt)}`}
                      </Typography.Text>
                    </Space>
                  ),
                }))}
              />
            )}
          </div>

          {detail.report && (
            <Descriptions title={t.report} column={2} size="small" bordered styles={{ label: LABEL }}>
              <Descriptions.Item label={t.status}>
                <StatusTag status={detail.report.status} lang={lang} />
              </Descriptions.Item>
              <Descriptions.Item label={t.stat}>{detail.report.stat ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t.reportAt}>{beijingTime(detail.report.doneAt)}</Descriptions.Item>
              <Descriptions.Item label={t.fetched}>{detail.report.sequenced ? '✓' : '—'}</Descriptions.Item>
            </Descriptions>
          )}
        </Space>
      )}
    </Drawer>
  );
}
