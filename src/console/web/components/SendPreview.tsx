/**
 * The Send page's right-hand side before sending: the counter and cost the server's preview answers
 * (segments by the route each number takes, as admission will charge), the rendered samples, and
 * the lines of the list or file that will not be sent, with the reason.
 */
import { Alert, Card, Descriptions, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import { defineTexts, fill, useLang, useTexts } from '../i18n.js';

export interface SendPreviewData {
  app: { id: number; name: string; signature: string; extCode: string };
  recipients: { valid: number; invalid: number; duplicates: number; noRoute: number };
  problems: { line: number; value: string; code: string; reason: string; reasonEn: string }[];
  duplicates: { line: number; mobile: string; firstLine: number }[];
  message: { units: number; segments: number; coding: string; limit: number; fits: boolean };
  perMessage: { minUnits: number; maxUnits: number; minSegments: number; maxSegments: number };
  variables: string[];
  columns: string[];
  distinctTexts: number;
  samples: { mobile: string; text: string; units: number; segments: number }[];
  cost: number;
  balanceBefore: number;
  balanceAfter: number;
  insufficient: boolean;
  review: { required: boolean; threshold: number };
  /** Listed sensitive words in the texts: `block` ones are not sent, `review` ones wait for a reviewer. */
  words: { block: string[]; review: string[] };
  sendAt: string | null;
}

const TEXTS = defineTexts({
  zh: {
    title: '发送预估',
    empty: '选择账户并填写号码和内容后，这里显示字数、条数和费用',
    perMessage: '每条字数',
    segments: '每条计费',
    segmentsValue: '{n} 条',
    range: '{a}–{b}',
    valid: '有效号码',
    invalid: '无效行',
    duplicates: '重复号码',
    noRoute: '无可用通道',
    cost: '合计计费',
    costValue: '{n} 条',
    balance: '余额',
    balanceValue: '{before} → {after} 条',
    insufficient: '余额不足：需要 {cost} 条，余额 {balance} 条',
    tooLong: '签名加内容 {units} 字，超过单条上限 {limit} 字；可开启长短信',
    tooLongLong: '内容过长，超过长短信上限 {limit} 字',
    review: '收件人超过 {n} 个，提交后须经审核员审核通过才会发送',
    wordsBlock: '内容含有禁止发送的敏感词：{words}，含这些词的短信不会发送',
    wordsReview: '内容含有须审核的敏感词：{words}，提交后须审核通过才发送',
    samples: '短信预览',
    problems: '不会发送的行（{n}）',
    line: '行号',
    value: '内容',
    reason: '原因',
    duplicateOf: '与第 {line} 行重复，只发送一次',
    coding: 'UCS-2（中文）',
    distinct: '{n} 种不同内容',
    schedule: '定时 {time}（北京时间）',
  },
  en: {
    title: 'Estimate',
    empty: 'Choose an account, numbers and a text to see characters, segments and cost here',
    perMessage: 'Characters per message',
    segments: 'Segments per message',
    segmentsValue: '{n}',
    range: '{a}–{b}',
    valid: 'Valid numbers',
    invalid: 'Invalid lines',
    duplicates: 'Duplicates',
    noRoute: 'No gateway',
    cost: 'Total charge',
    costValue: '{n} segments',
    balance: 'Balance',
    balanceValue: '{before} → {after}',
    insufficient: 'Insufficient balance: {cost} needed, {balance} left',
    tooLong: '{units} characters with the signature, more than {limit} for one SMS; allow long messages',
    tooLongLong: 'The text is longer than the long-message maximum of {limit} characters',
    review: 'More than {n} recipients: the batch waits for a reviewer before it is sent',
    wordsBlock: 'Blocked words in the text: {words}; such messages are not sent',
    wordsReview: 'Words that need a review: {words}; the batch waits for a reviewer',
    samples: 'Message preview',
    problems: 'Lines that will not be sent ({n})',
    line: 'Line',
    value: 'Value',
    reason: 'Reason',
    duplicateOf: 'same number as line {line}, sent once',
    coding: 'UCS-2',
    distinct: '{n} different texts',
    schedule: 'Scheduled {time} (Beijing time)',
  },
});

function span(a: number, b: number, t: { range: string }): string {
  return a === b ? String(a) : fill(t.range, { a, b });
}

export function SendPreview({ data, loading }: { data: SendPreviewData | null; loading: boolean }) {
  const t = useTexts(TEXTS);
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
