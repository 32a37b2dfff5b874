/**
 * After a send: what admission answered (accepted, blocked, invalid) and the delivery progress,
 * polled from /send/status until every message is final (a batch held for review is polled more
 * slowly until a reviewer decides).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Progress, Row, Space, Statistic, Tag, Typography } from 'antd';
import { api, query } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import type { SendOutcome, SendStatus } from '../../../contract/send.js';
import { PROGRESS_TEXTS } from './texts.js';

const STATUS_ORDER = [
  'HELD',
  'QUEUED',
  'SENDING',
  'SUBMITTED',
  'DELIVERED',
  'FAILED',
  'EXPIRED',
  'REJECTED',
  'BLOCKED',
  'UNKNOWN',
];
const STATUS_COLORS: Record<string, string> = {
  HELD: 'orange',
  QUEUED: 'default',
  SENDING: 'processing',
  SUBMITTED: 'blue',
  DELIVERED: 'success',
  FAILED: 'error',
  EXPIRED: 'warning',
  REJECTED: 'error',
  BLOCKED: 'default',
  UNKNOWN: 'warning',
};

type StatusKey = keyof typeof PROGRESS_TEXTS.zh;

export function SendProgress({ outcome, onAgain }: { outcome: SendOutcome; onAgain: () => void }) {
  const t = useTexts(PROGRESS_TEXTS);
  const lang = useLang();
  const [status, setStatus] = useState<SendStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      let next = 2000;
      try {
        const s = await api.get<SendStatus>(
          `send/status${query({ appId: outcome.appId, key: outcome.key })}`,
        );
        if (stopped) return;
        setStatus(s);
        setError(null);
        if (s.final) return;
        // A batch waiting for a reviewer may wait long: ask less often.
        if ((s.byStatus.HELD ?? 0) > 0) next = 10_000;
      } catch (err) {
        if (stopped) return;
        setError(errorText(lang, err));
        next = 5000;
      }
      timer = window.setTimeout(() => void poll(), next);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [outcome.appId, outcome.key, lang]);

  const total = status?.total ?? 0;
  const finalCount = status
    ? Object.entries(status.byStatus)
        .filter(([s]) => !['HELD', 'QUEUED', 'SENDING', 'SUBMITTED'].includes(s))
        .reduce((n, [, c]) => n + c, 0)
    : 0;
  const name = (s: string): string => (s in PROGRESS_TEXTS.zh ? t[s as StatusKey] : s);
  const task = status?.task ?? outcome.task;

  return (
    <Card
      title={
        task ? (
          <Space data-testid="send-task">
            <span>{fill(t.task, { id: task.id })}</span>
            {task.fileName !== null && (
              <Typography.Text type="secondary">{fill(t.taskFile, { name: task.fileName })}</Typography.Text>
            )}
          </Space>
        ) : (
          t.title
        )
      }
      data-testid="send-progress"
      extra={
        <Button type="primary" onClick={onAgain}>
          {t.again}
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {outcome.replayed && <Alert type="info" showIcon title={t.replayed} />}
        {(outcome.held ?? 0) > 0 && (
          <Alert
            type="warning"
            showIcon
            title={outcome.review?.kind === 'batch-size' ? t.review : t.reviewWords}
            data-testid="send-held"
          />
        )}
        {(outcome.refusedWords ?? []).length > 0 && (
          <Alert
            type="error"
            showIcon
            title={fill(t.refused, { words: (outcome.refusedWords ?? []).join('、') })}
            data-testid="send-refused"
          />
        )}
        {outcome.heldByQuietHours === true && outcome.notBefore != null && (
          <Alert
            type="info"
            showIcon
            title={fill(t.quiet, { time: outcome.notBefore.slice(0, 19).replace('T', ' ') })}
          />
        )}
        <Row gutter={16}>
          <Col span={6}>
            <Statistic
              title={t.accepted}
              value={outcome.accepted}
              styles={{ content: { color: '#1677ff' } }}
            />
          </Col>
          <Col span={6}>
            <Statistic title={t.blocked} value={outcome.blocked} />
          </Col>
          <Col span={6}>
            <Statistic title={t.invalid} value={outcome.invalid ?? 0} />
          </Col>
          {(outcome.notSent ?? 0) > 0 && (
            <Col span={6}>
              <Statistic
                title={t.notSent}
                value={outcome.notSent ?? 0}
                styles={{ content: { color: '#cf1322' } }}
              />
            </Col>
          )}
        </Row>
        <div>
          <Space>
            <Typography.Text strong>{t.progress}</Typography.Text>
            <Typography.Text type="secondary" data-testid="send-task-counts">
              {fill(t.taskCounts, { n: task?.recipients ?? total, done: finalCount, total })}
            </Typography.Text>
          </Space>
          <Progress
            percent={total === 0 ? 0 : Math.round((finalCount / total) * 100)}
            status={status?.final === true ? 'success' : 'active'}
          />
          <Space wrap data-testid="send-status">
            {STATUS_ORDER.filter((s) => (status?.byStatus[s] ?? 0) > 0).map((s) => (
              <Tag key={s} color={STATUS_COLORS[s] ?? 'default'} data-testid={`status-${s}`}>
                {name(s)} {status?.byStatus[s]}
              </Tag>
            ))}
          </Space>
        </div>
        {error !== null && <Alert type="error" showIcon title={error} />}
        <Space>
          {status?.final === true ? (
            <Typography.Text type="success" data-testid="send-done">
              {t.done}
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary">{t.polling}</Typography.Text>
          )}
          {task && (
            <a href={`#/messages?taskId=${task.id}`} data-testid="send-details">
              {t.details}
            </a>
          )}
        </Space>
      </Space>
    </Card>
  );
}
