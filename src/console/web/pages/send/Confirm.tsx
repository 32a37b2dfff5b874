/**
 * What the confirmation before a send shows: the account, the numbers that go and those that do
 * not, the charge and the balance after it, when it goes, and whether a reviewer must approve it.
 */
import { Alert, Col, Row, Typography } from 'antd';
import type { SendableApp, SendPreviewData } from '../../../contract/send.js';
import { fill, useTexts } from '../../i18n.js';
import { TEXTS } from './texts.js';

function Line({ label, value }: { label: string; value: string | number }) {
  return (
    <Row style={{ padding: '4px 0' }}>
      <Col span={10}>
        <Typography.Text type="secondary">{label}</Typography.Text>
      </Col>
      <Col span={14}>
        <Typography.Text strong>{value}</Typography.Text>
      </Col>
    </Row>
  );
}

export function ConfirmSummary(props: {
  app: SendableApp;
  preview: SendPreviewData;
  sendTime: string | null;
}) {
  const t = useTexts(TEXTS);
  const { app, preview } = props;
  return (
    <div data-testid="send-confirm">
      <Line label={t.confirmApp} value={`${app.name} ${app.signature}`} />
      <Line label={t.confirmRecipients} value={preview.recipients.valid} />
      <Line label={t.confirmInvalid} value={preview.recipients.invalid + preview.recipients.duplicates} />
      <Line label={t.confirmCost} value={preview.cost} />
      <Line label={t.confirmBalance} value={preview.balanceAfter} />
      <Line label={t.confirmTime} value={props.sendTime ?? t.now} />
      {preview.review.required && (
        <Alert type="warning" showIcon title={fill(t.confirmReview, { n: preview.review.threshold })} />
      )}
    </div>
  );
}
