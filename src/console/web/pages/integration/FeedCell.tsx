/** One account's report or reply callbacks in a table cell: address, backlog, retries, failures. */
import { Space, Tag, Tooltip, Typography } from 'antd';
import type { CallbackFeedView } from '../../../contract/integration.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { FEED_TEXTS } from './texts.js';

/** What `pending` is counted up to (store/callbacks.ts). */
const PENDING_CAP = 10_000;

export function FeedCell({
  feed,
  hasSecret,
  testId,
}: {
  feed: CallbackFeedView;
  hasSecret: boolean;
  testId: string;
}) {
  const t = useTexts(FEED_TEXTS);
  if (feed.url === null)
    return (
      <Typography.Text type="secondary" data-testid={testId}>
        {t.off}
      </Typography.Text>
    );
  return (
    <Space orientation="vertical" size={2} style={{ fontSize: 12 }} data-testid={testId}>
      <Typography.Text ellipsis style={{ maxWidth: 260 }} title={feed.url}>
        {feed.url}
      </Typography.Text>
      <Space size={[0, 4]} wrap>
        {feed.pending > 0 && (
          <Tag color="processing">
            {fill(feed.pending >= PENDING_CAP ? t.pendingMany : t.pending, { n: feed.pending })}
          </Tag>
        )}
        {feed.attempts > 0 && (
          <Tooltip title={fill(t.failingSince, { time: beijingTime(feed.failingSince) })}>
            <Tag color="warning">
              {fill(t.retrying, { n: feed.attempts, time: beijingTime(feed.nextAt) })}
            </Tag>
          </Tooltip>
        )}
        {feed.failedBatches > 0 && (
          <Tag color="error">{fill(t.failed, { batches: feed.failedBatches, items: feed.failedItems })}</Tag>
        )}
        {feed.retryRequested > 0 && <Tag color="blue">{fill(t.requested, { n: feed.retryRequested })}</Tag>}
        {!hasSecret && <Tag color="error">{t.noSecret}</Tag>}
      </Space>
      {feed.lastError !== null && (
        <Typography.Text type="danger" ellipsis style={{ maxWidth: 260 }} title={feed.lastError}>
          {fill(t.lastError, { error: feed.lastError })}
        </Typography.Text>
      )}
      <Typography.Text type="secondary">
        {feed.lastOkAt === null ? t.never : fill(t.lastOk, { time: beijingTime(feed.lastOkAt) })}
        {' · '}
        {fill(t.delivered, { n: feed.delivered })}
      </Typography.Text>
    </Space>
  );
}
