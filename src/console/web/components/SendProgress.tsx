/**
 * After a send: what admission answered (accepted, blocked, invalid) and the delivery progress,
 * polled from /send/status until every message is final (a batch held for review is polled more
 * slowly until a reviewer decides).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Progress, Row, Space, Statistic, Tag, Typography } from 'antd';
import { api, query } from '../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

/** A send is one task, however many texts and batches it made. */
export interface SendTaskView {
  id: number;
  fileName: string | null;
  recipients: number;
  createdBy: string;
  createdAt: string;
}

export interface SendOutcome {
  task: SendTaskView | null;
  key: string;
  appId: number;
  replayed: boolean;
  accepted: number;
  blocked: number;
  failed?: number;
  invalid?: number;
  duplicates?: number;
  notSent?: number;
  /** Messages stored HELD: waiting for a reviewer (a big batch, or a sensitive word). */
  held?: number;
  /** Blocking sensitive words that kept texts from being sent. */
  refusedWords?: string[];
  charged?: number;
  /** Why a reviewer must decide: the number of recipients, or review words in the text. */
  review?: { required: boolean; kind?: 'batch-size' | 'sensitive-words' | null; reviewId?: number | null };
  batchIds: string[];
  batchCount: number;
  notBefore?: string | null;
  heldByQuietHours?: boolean;
}

interface Status {
  task: SendTaskView | null;
  total: number;
  byStatus: Record<string, number>;
  final: boolean;
  batchIds: string[];
  batchCount: number;
}

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

const TEXTS = defineTexts({
  zh: {
    title: '发送结果',
    accepted: '已受理',
    blocked: '已拦截',
    invalid: '无效号码',
    notSent: '未发送',
    replayed: '此批次已提交过，以下为首次提交的结果，未重复发送',
    review: '该批次收件人较多，已提交审核员审核，审核通过后开始发送',
    reviewWords: '内容含有须审核的敏感词，已提交审核员审核，审核通过后开始发送',
    refused: '内容含有禁止发送的敏感词：{words}，相应短信未发送',
    quiet: '处于免打扰时段，将于 {time}（北京时间）开始发送',
    scheduled: '定时发送：{time}（北京时间）',
    progress: '投递进度',
    done: '全部投递完成',
    polling: '正在刷新投递状态…',
    details: '查看发送明细',
    task: '发送任务 #{id}',
    taskFile: '文件：{name}',
    taskCounts: '共 {n} 个号码 · 已完成 {done} / {total}',
    again: '继续发送',
    HELD: '待审核',
    QUEUED: '排队',
    SENDING: '发送中',
    SUBMITTED: '已提交',
    DELIVERED: '已送达',
    FAILED: '失败',
    EXPIRED: '已过期',
    REJECTED: '被拒绝',
    BLOCKED: '已拦截',
    UNKNOWN: '状态未知',
  },
  en: {
    title: 'Send result',
    accepted: 'Accepted',
    blocked: 'Blocked',
    invalid: 'Invalid',
    notSent: 'Not sent',
    replayed: 'This batch was submitted before: its first result is shown, nothing was sent twice',
    review: 'This batch is large and waits for a reviewer; it is sent once approved',
    reviewWords: 'The text holds words that need a review; it is sent once a reviewer approves',
    refused: 'The text holds blocked words: {words}; those messages were not sent',
    quiet: 'Quiet hours: sending starts at {time} (Beijing time)',
    scheduled: 'Scheduled for {time} (Beijing time)',
    progress: 'Delivery',
    done: 'All messages final',
    polling: 'Refreshing delivery status…',
    details: 'Message details',
    task: 'Send task #{id}',
    taskFile: 'File: {name}',
    taskCounts: '{n} numbers · {done} / {total} final',
    again: 'Send another',
    HELD: 'Awaiting review',
    QUEUED: 'Queued',
    SENDING: 'Sending',
    SUBMITTED: 'Submitted',
    DELIVERED: 'Delivered',
    FAILED: 'Failed',
    EXPIRED: 'Expired',
    REJECTED: 'Rejected',
    BLOCKED: 'Blocked',
    UNKNOWN: 'Unknown',
  },
});

type StatusKey = keyof typeof TEXTS.zh;

export function SendProgress({ outcome, onAgain }: { outcome: SendOutcome; onAgain: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      let next = 2000;
      try {
        const s = await api.get<Status>(`send/status${query({ appId: outcome.appId, key: outcome.key })}`);
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
  const name = (s: string): string => (s in TEXTS.zh ? t[s as StatusKey] : s);
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
