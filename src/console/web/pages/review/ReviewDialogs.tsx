/** The Review page's dialogs: a decision with its note, and one review's detail. */
import { useState, type ReactNode } from 'react';
import { Alert, Descriptions, Input, message as antMessage, Modal, Space, Tag } from 'antd';
import type { ReviewDetail, ReviewView } from '../../../contract/reviews.js';
import { api } from '../../api.js';
import { beijingTime, fill } from '../../i18n.js';
import type { ReviewTexts } from './texts.js';

export interface Deciding {
  row: ReviewView;
  decision: 'approve' | 'reject';
}

/** Approve or reject with a note (required to reject); `act` runs the call, says so and reloads. */
export function DecisionDialog({
  deciding,
  t,
  textCell,
  act,
  onClose,
}: {
  deciding: Deciding | null;
  t: ReviewTexts;
  textCell: (row: ReviewView) => ReactNode;
  act: (run: () => Promise<unknown>, done: string) => Promise<boolean>;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const close = () => {
    setNote('');
    onClose();
  };

  const submit = async () => {
    if (!deciding) return;
    if (deciding.decision === 'reject' && note.trim() === '') {
      void antMessage.warning(t.noteRequired);
      return;
    }
    setSaving(true);
    const ok = await act(
      () =>
        api.post(
          `reviews/${deciding.row.id}/${deciding.decision}`,
          note.trim() === '' ? {} : { note: note.trim() },
        ),
      deciding.decision === 'approve' ? t.approved : t.rejected,
    );
    setSaving(false);
    if (ok) close();
  };

  return (
    <Modal
      open={deciding !== null}
      title={
        deciding &&
        fill(deciding.decision === 'approve' ? t.approveTitle : t.rejectTitle, { id: deciding.row.id })
      }
      okText={deciding?.decision === 'approve' ? t.approve : t.reject}
      okButtonProps={{ danger: deciding?.decision === 'reject', loading: saving }}
      cancelText={t.cancel}
      onOk={() => void submit()}
      onCancel={close}
      destroyOnHidden
    >
      {deciding && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert
            type={deciding.decision === 'approve' ? 'info' : 'warning'}
            showIcon
            title={fill(deciding.decision === 'approve' ? t.approveHint : t.rejectHint, {
              n: deciding.row.messageCount,
            })}
          />
          <div>{textCell(deciding.row)}</div>
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            value={note}
            placeholder={t.notePlaceholder}
            onChange={(e) => setNote(e.target.value)}
            data-testid="review-note"
          />
        </Space>
      )}
    </Modal>
  );
}

export function DetailDialog({
  detail,
  t,
  textCell,
  onClose,
}: {
  detail: ReviewDetail | null;
  t: ReviewTexts;
  textCell: (row: ReviewView) => ReactNode;
  onClose: () => void;
}) {
  return (
    <Modal
      open={detail !== null}
      title={detail && `#${detail.id}`}
      footer={null}
      onCancel={onClose}
      width={640}
    >
      {detail && (
        <Descriptions column={2} size="small" bordered>
          <Descriptions.Item label={t.app}>{detail.appName}</Descriptions.Item>
          <Descriptions.Item label={t.requester}>{detail.requestedBy ?? t.byInterface}</Descriptions.Item>
          <Descriptions.Item label={t.count}>{detail.messageCount}</Descriptions.Item>
          <Descriptions.Item label={t.batches}>{detail.batches}</Descriptions.Item>
          <Descriptions.Item label={t.charged}>{detail.charged}</Descriptions.Item>
          <Descriptions.Item label={t.sendAt}>
            {detail.sendAt === null ? t.now : beijingTime(detail.sendAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t.text} span={2}>
            {textCell(detail)}
          </Descriptions.Item>
          <Descriptions.Item label={t.recipients} span={2}>
            {detail.recipients.map((r) => (
              <Tag key={r.mobile}>{r.mobile}</Tag>
            ))}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Modal>
  );
}
