/**
 * The Apps page's dialogs: create/edit an account, top up its balance, and show a one-time access
 * password. The server checks every field again (src/console/routes/apps.ts); the rules here only
 * spare a refused request.
 */
import { useEffect, useState } from 'react';
import { Alert, Form, Input, InputNumber, Modal, Space, Typography } from 'antd';
import { api } from '../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { OneTimeSecretDialog } from './OneTimeSecretDialog.js';

export interface AppRow {
  id: number;
  name: string;
  status: 'active' | 'frozen' | 'disabled';
  balance: number;
  signature: string;
  extCode: string;
  ipWhitelist: string[];
  reportUrl: string | null;
  replyUrl: string | null;
  province: string | null;
  /** What the interface checks beside the password, and the registered client certificate. */
  authMode: 'whitelist' | 'certificate' | 'both';
  certSubject: string | null;
  certNotAfter: number | null;
  createdAt: number;
  updatedAt: number;
  todayMessages: number;
}

const TEXTS = defineTexts({
  zh: {
    createTitle: '新建业务系统账户',
    editTitle: '编辑账户 {name}',
    name: '账户名 (appName)',
    nameRule: '1–64 个字母、数字或 _ . -',
    signature: '短信签名',
    signatureRule: '形如【人社局】，括号内 1–20 个字符',
    extCode: '扩展码',
    province: '所属省份（部级平台）',
    provinceRule: '两位省级行政区划代码，如 21；非省级账户留空',
    extCodeRule: '至多 8 位数字，不能以 {prefix} 开头（调查专用）',
    whitelist: 'IP 白名单',
    whitelistHelp: '每行或用逗号分隔一个地址或 CIDR 段，如 10.1.2.0/24',
    reportUrl: '状态报告回调地址',
    replyUrl: '上行回复回调地址',
    urlRule: '须为 http:// 或 https:// 地址',
    balance: '初始余额（条）',
    save: '保存',
    create: '创建',
    cancel: '取消',
    topUpTitle: '为 {name} 充值',
    current: '当前余额：{n} 条',
    segments: '充值条数',
    segmentsRule: '请输入正整数',
    note: '备注',
    topUp: '确认充值',
    pwTitle: '接入密码（仅显示一次）',
    pwFor: '账户 {name} 的接入密码：',
    pwOnce: '请立即复制并通过安全渠道交给业务系统管理员。关闭后无法再次查看，只能重置。',
    close: '我已妥善保存',
  },
  en: {
    createTitle: 'New business-system account',
    editTitle: 'Edit account {name}',
    name: 'Account name (appName)',
    nameRule: '1–64 letters, digits or _ . -',
    signature: 'Signature',
    signatureRule: 'like 【人社局】, 1–20 characters inside',
    extCode: 'Extension code',
    province: 'Province (ministry platform)',
    provinceRule: 'two-digit province code such as 21; empty for other accounts',
    extCodeRule: 'at most 8 digits, not starting with {prefix} (surveys)',
    whitelist: 'IP whitelist',
    whitelistHelp: 'one address or CIDR per line or comma, e.g. 10.1.2.0/24',
    reportUrl: 'Delivery report callback',
    replyUrl: 'Reply callback',
    urlRule: 'an http:// or https:// address',
    balance: 'Initial balance (segments)',
    save: 'Save',
    create: 'Create',
    cancel: 'Cancel',
    topUpTitle: 'Top up {name}',
    current: 'Current balance: {n} segments',
    segments: 'Segments to add',
    segmentsRule: 'a positive whole number',
    note: 'Note',
    topUp: 'Top up',
    pwTitle: 'Access password (shown once)',
    pwFor: 'Access password of {name}:',
    pwOnce: 'Copy it now and hand it over securely. It cannot be shown again, only reset.',
    close: 'I have saved it',
  },
});

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
  app: AppRow | null;
  surveyPrefix: string;
  onClose: () => void;
  onDone: (name: string, password: string | null) => void;
}) {
  const t = useTexts(TEXTS);
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
    const fields = {
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
        const answer = await api.post<{ password: string }>('apps', {
          name,
          balance: v.balance ?? 0,
          ...fields,
        });
        onDone(name, answer.password);
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

export function TopUpDialog({
  app,
  onClose,
  onDone,
}: {
  app: AppRow | null;
  onClose: () => void;
  onDone: (balance: number) => void;
}) {
  const t = useTexts(TEXTS);
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
      const answer = await api.post<{ balance: number }>(`apps/${app.id}/top-up`, {
        segments: v.segments,
        ...(v.note?.trim() && { note: v.note.trim() }),
      });
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
  const t = useTexts(TEXTS);
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
