/**
 * The Tickets page's dialogs. 办结: the outcome, a result text (a usual one picked, or typed — at
 * most 15 characters so the result stays one SMS), and the SMS the citizen will receive, as the
 * server renders it from the current reply texts. 查看身份: the taker's full view of the citizen.
 */
import { useEffect, useState } from 'react';
import { Alert, AutoComplete, Descriptions, Form, Modal, Radio, Typography } from 'antd';
import { MobileOutlined } from '@ant-design/icons';
import type { IdentityAnswer, PreviewAnswer, TicketView } from '../../../contract/tickets.js';
import { api, query } from '../../api.js';
import { defineTexts, errorText, fill, useLang, useTexts, type Lang } from '../../i18n.js';
import type { TicketsTexts } from './texts.js';

const TEXTS = defineTexts({
  zh: {
    title: '办结工单 {no}',
    requestNo: '受理号',
    citizen: '市民',
    outcome: '办理结果',
    done: '办理成功',
    rejected: '未能办理（退回）',
    reason: '退回原因',
    result: '结果说明',
    optional: '可不填，至多 15 字',
    preview: '市民将收到的短信',
    to: '发送至 {mobile}',
    ok: '确认办结并通知市民',
    cancel: '取消',
    once: '工单只能办结一次，确认后结果短信立即发送。',
  },
  en: {
    title: 'Complete ticket {no}',
    requestNo: 'Request no.',
    citizen: 'Citizen',
    outcome: 'Outcome',
    done: 'Done',
    rejected: 'Not possible (reject)',
    reason: 'Reason',
    result: 'Result note',
    optional: 'Optional, at most 15 characters',
    preview: 'The SMS the citizen will receive',
    to: 'To {mobile}',
    ok: 'Complete and notify',
    cancel: 'Cancel',
    once: 'A ticket completes once; the result SMS goes out at once.',
  },
});

const KIND_NAMES: Record<string, { zh: string; en: string }> = {
  'card-loss': { zh: '社保卡挂失', en: 'Card loss' },
};

export function kindName(kind: string, lang: Lang): string {
  return KIND_NAMES[kind]?.[lang] ?? kind;
}

/** Usual texts (each within the 15 characters the reply leaves). */
const REJECT_REASONS = ['身份信息不符', '该卡已挂失', '请到经办网点办理', '非本人申请'];
const DONE_RESULTS = ['已办结', '已受理，请留意通知', '请到经办网点领取'];

export function CompleteTicketDialog(props: { ticket: TicketView; onClose: () => void; onDone: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const { ticket } = props;
  const [result, setResult] = useState<'done' | 'rejected'>('done');
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // A card-loss "done" reply says what it says; only a rejection, or another kind's result, carries a text.
  const needsText = result === 'rejected' || ticket.kind !== 'card-loss';

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .get<PreviewAnswer>(
          `tickets/${ticket.requestNo}/preview${query({ result, text: needsText ? text.trim() : '' })}`,
        )
        .then((p) => {
          if (!live) return;
          setPreview(p);
          setError(null);
        })
        .catch((err: unknown) => {
          if (live) setError(errorText(lang, err));
        });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ticket.requestNo, result, text, needsText, lang]);

  const submit = async () => {
    setSaving(true);
    setError(null);
    try {
      await api.post(`tickets/${ticket.requestNo}/complete`, {
        result,
        ...(needsText && text.trim() !== '' && { text: text.trim() }),
      });
      props.onDone();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  const choices = result === 'rejected' ? REJECT_REASONS : DONE_RESULTS;
  return (
    <Modal
      open
      width={560}
      title={t.title.replace('{no}', ticket.requestNo)}
      okText={t.ok}
      cancelText={t.cancel}
      confirmLoading={saving}
      okButtonProps={{ disabled: preview === null }}
      onOk={() => void submit()}
      onCancel={props.onClose}
    >
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.requestNo}>{ticket.requestNo}</Descriptions.Item>
        <Descriptions.Item label={t.citizen}>
          {[ticket.name, ticket.mobile].filter((v) => v !== null).join(' · ')}
        </Descriptions.Item>
      </Descriptions>
      <Form layout="vertical">
        <Form.Item label={t.outcome}>
          <Radio.Group
            value={result}
            onChange={(e) => {
              setResult(e.target.value as 'done' | 'rejected');
              setText('');
            }}
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'done', label: t.done },
              { value: 'rejected', label: t.rejected },
            ]}
          />
        </Form.Item>
        {needsText && (
          <Form.Item label={result === 'rejected' ? t.reason : t.result} extra={t.optional}>
            <AutoComplete
              value={text}
              onChange={setText}
              options={choices.map((c) => ({ value: c }))}
              maxLength={15}
              placeholder={choices[0]}
              data-testid="ticket-result-text"
            />
          </Form.Item>
        )}
      </Form>
      <Typography.Text type="secondary">
        <MobileOutlined /> {t.preview}
        {preview && ` · ${t.to.replace('{mobile}', preview.mobile)}`}
      </Typography.Text>
      <div
        data-testid="ticket-sms-preview"
        style={{
          margin: '8px 0 16px',
          padding: '10px 14px',
          background: '#f0f5ff',
          border: '1px solid #adc6ff',
          borderRadius: 12,
          minHeight: 44,
          whiteSpace: 'pre-wrap',
        }}
      >
        {preview?.text ?? '…'}
      </div>
      {error !== null ? (
        <Alert type="error" showIcon title={error} />
      ) : (
        <Alert type="info" showIcon title={t.once} />
      )}
    </Modal>
  );
}

/** The citizen's full name, SSN and phone for the handler who took the ticket (the call is audited). */
export function IdentityDialog({
  identity,
  t,
  onClose,
}: {
  identity: IdentityAnswer | null;
  t: TicketsTexts;
  onClose: () => void;
}) {
  return (
    <Modal
      open={identity !== null}
      title={identity && fill(t.identityTitle, { no: identity.requestNo })}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
    >
      {identity && (
        <>
          <Descriptions column={1} bordered size="small" data-testid="ticket-identity">
            <Descriptions.Item label={t.name}>{identity.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t.ssn}>{identity.ssn ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t.mobile}>{identity.mobile}</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t.identityNote}
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}
