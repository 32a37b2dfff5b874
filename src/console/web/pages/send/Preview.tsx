/**
 * The Send page's right-hand side before sending: the counter and cost the server's preview answers
 * (segments by the route each number takes, as admission will charge), the rendered samples, and
 * the lines of the list or file that will not be sent, with the reason.
 */
import { Alert, Card, Descriptions, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useEffect, useState } from 'react';
import type { SendBody, SendPreviewData } from '../../../contract/send.js';
import { api } from '../../api.js';
import { PREVIEW_TEXTS } from './texts.js';

function span(a: number, b: number, t: { range: string }): string {
  return a === b ? String(a) : fill(t.range, { a, b });
}

export function SendPreview({ data, loading }: { data: SendPreviewData | null; loading: boolean }) {
  const t = useTexts(PREVIEW_TEXTS);
  const lang = useLang();
  if (!data)
    return (
      <Card title={t.title}>
        <Spin spinning={loading}>
          <Empty description={t.empty} />
        </Spin>
      </Card>
    );
  const { message: m, perMessage: p } = data;
  const lines = [
    ...data.problems.map((x) => ({
      key: `p${x.line}-${x.value}`,
      line: x.line,
      value: x.value,
      reason: lang === 'en' ? x.reasonEn : x.reason,
    })),
    ...data.duplicates.map((d) => ({
      key: `d${d.line}-${d.mobile}`,
      line: d.line,
      value: d.mobile,
      reason: fill(t.duplicateOf, { line: d.firstLine }),
    })),
  ].sort((a, b) => a.line - b.line);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t.title} extra={loading ? <Spin size="small" /> : null} data-testid="send-preview">
        <Space orientation="vertical" style={{ width: '100%' }}>
          {!m.fits && (
            <Alert
              type="error"
              showIcon
              title={
                // A single SMS holds 70 or 160; a larger limit is the long-message maximum.
                fill(m.limit > 160 ? t.tooLongLong : t.tooLong, { units: m.units, limit: m.limit })
              }
            />
          )}
          {data.insufficient && (
            <Alert
              type="error"
              showIcon
              title={fill(t.insufficient, { cost: data.cost, balance: data.balanceBefore })}
            />
          )}
          {data.words.block.length > 0 && (
            <Alert
              type="error"
              showIcon
              title={fill(t.wordsBlock, { words: data.words.block.join('、') })}
              data-testid="preview-words-block"
            />
          )}
          {data.words.review.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={fill(t.wordsReview, { words: data.words.review.join('、') })}
              data-testid="preview-words-review"
            />
          )}
          {data.review.required && (
            <Alert
              type="warning"
              showIcon
              title={fill(t.review, { n: data.review.threshold })}
              data-testid="review-warning"
            />
          )}
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t.perMessage}>
              <span data-testid="preview-units">{span(p.minUnits, p.maxUnits, t)}</span>
              <Typography.Text type="secondary"> / {m.limit}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t.segments}>
              <span data-testid="preview-segments">
                {fill(t.segmentsValue, { n: span(p.minSegments, p.maxSegments, t) })}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t.valid}>
              <Typography.Text strong data-testid="preview-valid">
                {data.recipients.valid}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t.invalid}>
              <Typography.Text
                {...(data.recipients.invalid > 0 && { type: 'danger' as const })}
                data-testid="preview-invalid"
              >
                {data.recipients.invalid}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t.duplicates}>{data.recipients.duplicates}</Descriptions.Item>
            <Descriptions.Item label={t.noRoute}>{data.recipients.noRoute}</Descriptions.Item>
            <Descriptions.Item label={t.cost}>
              <Typography.Text strong data-testid="preview-cost">
                {fill(t.costValue, { n: data.cost })}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t.balance}>
              <Typography.Text {...(data.insufficient && { type: 'danger' as const })}>
                {fill(t.balanceValue, { before: data.balanceBefore, after: data.balanceAfter })}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Space wrap>
            <Tag color="blue">{m.coding === 'ucs2' ? t.coding : m.coding.toUpperCase()}</Tag>
            {data.distinctTexts > 1 && <Tag>{fill(t.distinct, { n: data.distinctTexts })}</Tag>}
            {data.sendAt !== null && (
              <Tag color="purple">
                {fill(t.schedule, { time: data.sendAt.slice(0, 19).replace('T', ' ') })}
              </Tag>
            )}
          </Space>
        </Space>
      </Card>
      {data.samples.length > 0 && (
        <Card title={t.samples} size="small">
          <Space orientation="vertical" style={{ width: '100%' }}>
            {data.samples.map((s) => (
              <div key={s.mobile} data-testid="preview-sample">
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {s.mobile} · {s.units} / {fill(t.segmentsValue, { n: s.segments })}
                </Typography.Text>
                <div
                  style={{
                    background: '#f0f5ff',
                    border: '1px solid #d6e4ff',
                    borderRadius: 10,
                    padding: '8px 12px',
                    marginTop: 4,
                    whiteSpace: 'pre-wrap',
                    wordBreak: 'break-all',
                  }}
                >
                  {s.text}
                </div>
              </div>
            ))}
          </Space>
        </Card>
      )}
      {lines.length > 0 && (
        <Card
          title={fill(t.problems, { n: data.recipients.invalid + data.recipients.duplicates })}
          size="small"
        >
          <Table
            size="small"
            rowKey="key"
            dataSource={lines}
            pagination={{ pageSize: 8, hideOnSinglePage: true, showSizeChanger: false }}
            data-testid="preview-problems"
            columns={[
              { title: t.line, dataIndex: 'line', width: 70 },
              { title: t.value, dataIndex: 'value', width: 150, ellipsis: true },
              { title: t.reason, dataIndex: 'reason' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

/**
 * The server's estimate of a send, asked again 400 ms after the body last changed, so the counter
 * and the cost follow the typing without a request per key. `body` null: nothing to ask now.
 */
export function useSendPreview(body: SendBody | null) {
  const lang = useLang();
  const [preview, setPreview] = useState<SendPreviewData | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  useEffect(() => {
    if (body === null) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      setPreviewing(true);
      api
        .post<SendPreviewData>('send/preview', body)
        .then((p) => {
          if (cancelled) return;
          setPreview(p);
          setPreviewError(null);
        })
        .catch((err: unknown) => {
          if (!cancelled) setPreviewError(errorText(lang, err));
        })
        .finally(() => {
          if (!cancelled) setPreviewing(false);
        });
    }, 400);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [body, lang]);
  return { preview, previewError, previewing, clearPreview: () => setPreview(null) };
}
