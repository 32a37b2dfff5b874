/**
 * Create or edit a business-system account. The server checks every field again
 * (src/console/routes/apps.ts); the rules here only spare a refused request.
 */
import { useEffect, useState } from 'react';
import { Alert, Form, Input, InputNumber, Modal, Space } from 'antd';
import type { AppFieldsBody, AppSaved, AppView } from '../../../contract/apps.js';
import { api } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { DIALOG_TEXTS } from './texts.js';

interface FormValues {
  name?: string;
  signature?: string;
  extCode?: string;
  province?: string;
  ipWhitelist?: string;
  reportUrl?: string;
  replyUrl?: string;
  balance?: number;
}

const URL_PATTERN = /^https?:\/\/\S+$/;

/** Create (`app` null) or edit an account; `onDone` gets the one-time password after a create. */
export function AppDialog({
  open,
  app,
  surveyPrefix,
  onClose,
  onDone,
}: {
  open: boolean;
  app: AppView | null;
  surveyPrefix: string;
  onClose: () => void;
  onDone: (name: string, password: string | null) => void;
}) {
  const t = useTexts(DIALOG_TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (app)
      form.setFieldsValue({
        signature: app.signature,
        extCode: app.extCode,
        province: app.province ?? '',
        ipWhitelist: app.ipWhitelist.join('\n'),
        reportUrl: app.reportUrl ?? '',
        replyUrl: app.replyUrl ?? '',
      });
  }, [open, app, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    const fields: AppFieldsBody = {
      signature: v.signature?.trim() ?? '',
      extCode: v.extCode?.trim() ?? '',
      province: v.province?.trim() ?? '',
      ipWhitelist: (v.ipWhitelist ?? '')
        .split(/[\s,，]+/)
        .filter(Boolean)
        .join(','),
      reportUrl: v.reportUrl?.trim() ?? '',
      replyUrl: v.replyUrl?.trim() ?? '',
    };
    try {
      if (app) {
        await api.put(`apps/${app.id}`, fields);
        onDone(app.name, null);
      } else {
        const name = v.name?.trim() ?? '';
        const answer = await api.post<AppSaved>('apps', {
          name,
          balance: v.balance ?? 0,
          ...fields,
        });
        onDone(name, answer.password ?? null);
      }
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={app ? fill(t.editTitle, { name: app.name }) : t.createTitle}
      okText={app ? t.save : t.create}
      cancelText={t.cancel}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={saving}
      destroyOnHidden
      width={560}
    >
      <Form form={form} layout="vertical" requiredMark>
        {!app && (
          <Form.Item
            name="name"
            label={t.name}
            rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{1,64}$/, message: t.nameRule }]}
          >
            <Input placeholder="yibao" data-testid="app-name" />
          </Form.Item>
        )}
        <Space size="middle" style={{ display: 'flex' }}>
          <Form.Item
            name="signature"
            label={t.signature}
            rules={[{ pattern: /^【[^【】]{1,20}】$/, message: t.signatureRule }]}
            style={{ flex: 1 }}
          >
            <Input placeholder="【人社局】" data-testid="app-signature" />
          </Form.Item>
          <Form.Item
            name="extCode"
            label={t.extCode}
            rules={[
              {
                validator: (_, value: string | undefined) => {
                  const code = (value ?? '').trim();
                  return /^\d{0,8}$/.test(code) && (code === '' || !code.startsWith(surveyPrefix))
                    ? Promise.resolve()
                    : Promise.reject(new Error(fill(t.extCodeRule, { prefix: surveyPrefix })));
                },
              },
            ]}
            style={{ flex: 1 }}
          >
            <Input placeholder="01" data-testid="app-ext" />
          </Form.Item>
          <Form.Item
            name="province"
            label={t.province}
            rules={[
              {
                validator: (_, value: string | undefined) =>
                  /^(\d{2})?$/.test((value ?? '').trim())
                    ? Promise.resolve()
                    : Promise.reject(new Error(t.provinceRule)),
              },
            ]}
            style={{ flex: 1 }}
          >
            <Input placeholder="21" data-testid="app-province" />
          </Form.Item>
        </Space>
        <Form.Item name="ipWhitelist" label={t.whitelist} extra={t.whitelistHelp}>
          <Input.TextArea rows={3} placeholder="10.1.2.0/24" data-testid="app-whitelist" />
        </Form.Item>
        <Form.Item
          name="reportUrl"
          label={t.reportUrl}
          rules={[{ pattern: URL_PATTERN, message: t.urlRule }]}
        >
          <Input placeholder="https://" />
        </Form.Item>
        <Form.Item name="replyUrl" label={t.replyUrl} rules={[{ pattern: URL_PATTERN, message: t.urlRule }]}>
          <Input placeholder="https://" />
        </Form.Item>
        {!app && (
          <Form.Item name="balance" label={t.balance} initialValue={0}>
            <InputNumber min={0} precision={0} style={{ width: 200 }} />
          </Form.Item>
        )}
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}
