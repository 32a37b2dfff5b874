/** Top up an account's balance, and show a new access password once. */
import { useEffect, useState } from 'react';
import { Alert, Form, Input, InputNumber, Modal, Typography } from 'antd';
import type { AppView, TopUpAnswer, TopUpBody } from '../../../contract/apps.js';
import { api } from '../../api.js';
import { OneTimeSecretDialog } from '../../components/OneTimeSecretDialog.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { DIALOG_TEXTS } from './texts.js';

export function TopUpDialog({
  app,
  onClose,
  onDone,
}: {
  app: AppView | null;
  onClose: () => void;
  onDone: (balance: number) => void;
}) {
  const t = useTexts(DIALOG_TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<{ segments?: number; note?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    form.resetFields();
    setError(null);
  }, [app, form]);

  const submit = async () => {
    if (!app) return;
    const v = await form.validateFields();
    setSaving(true);
    try {
      const body: TopUpBody = {
        segments: v.segments ?? 0,
        ...(v.note?.trim() && { note: v.note.trim() }),
      };
      const answer = await api.post<TopUpAnswer>(`apps/${app.id}/top-up`, body);
      onDone(answer.balance);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={app !== null}
      title={app ? fill(t.topUpTitle, { name: app.name }) : ''}
      okText={t.topUp}
      cancelText={t.cancel}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={saving}
      destroyOnHidden
    >
      {app && (
        <Form form={form} layout="vertical">
          <Typography.Paragraph type="secondary">
            {fill(t.current, { n: app.balance.toLocaleString() })}
          </Typography.Paragraph>
          <Form.Item
            name="segments"
            label={t.segments}
            rules={[{ required: true, type: 'integer', min: 1, message: t.segmentsRule }]}
          >
            <InputNumber min={1} precision={0} style={{ width: 220 }} data-testid="topup-segments" />
          </Form.Item>
          <Form.Item name="note" label={t.note}>
            <Input maxLength={200} />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} />}
        </Form>
      )}
    </Modal>
  );
}

export function AppPasswordDialog({
  shown,
  onClose,
}: {
  shown: { name: string; password: string } | null;
  onClose: () => void;
}) {
  const t = useTexts(DIALOG_TEXTS);
  return (
    <OneTimeSecretDialog
      shown={shown && { intro: fill(t.pwFor, { name: shown.name }), secret: shown.password }}
      title={t.pwTitle}
      warning={t.pwOnce}
      closeText={t.close}
      testId="app-password"
      onClose={onClose}
    />
  );
}
