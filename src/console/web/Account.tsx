/**
 * The steps a new or reset account must take before anything else — a new password, then for
 * administrators a second factor — and the same forms for changing them later.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import QRCode from 'qrcode';
import { api } from './api.js';
import { defineTexts, errorText, useLang, useTexts } from './i18n.js';

const TEXTS = defineTexts({
  zh: {
    changeTitle: '修改密码',
    mustChange: '首次登录、密码被重置或已过期时，须先设置新密码。',
    current: '当前密码',
    next: '新密码',
    repeat: '再次输入新密码',
    policy: '至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，不得包含用户名。',
    mismatch: '两次输入的新密码不一致',
    save: '保存',
    saved: '密码已修改。',
    totpTitle: '绑定动态口令（双因素认证）',
    totpWhy:
      '管理员账户登录时须输入身份验证器应用（如 FreeOTP、Google Authenticator、微信小程序“腾讯身份验证器”）生成的动态口令。',
    totpStart: '生成绑定二维码',
    totpScan: '请用身份验证器扫描二维码，或手工输入密钥：',
    totpCode: '验证器显示的 6 位动态口令',
    totpConfirm: '确认绑定',
    totpDone: '动态口令已绑定，下次登录时需要输入。',
    required: '请填写此项',
  },
  en: {
    changeTitle: 'Change password',
    mustChange:
      'Set a new password first: this is your first login, or the password was reset or has expired.',
    current: 'Current password',
    next: 'New password',
    repeat: 'New password again',
    policy:
      'At least 8 characters with three of: upper case, lower case, digits, symbols; not containing the user name.',
    mismatch: 'The two new passwords differ',
    save: 'Save',
    saved: 'Password changed.',
    totpTitle: 'Enrol a one-time code (two-factor login)',
    totpWhy:
      'Administrator accounts log in with a code from an authenticator app (FreeOTP, Google Authenticator, …).',
    totpStart: 'Show enrolment QR code',
    totpScan: 'Scan the QR code with your authenticator, or type the key:',
    totpCode: '6-digit code shown by the authenticator',
    totpConfirm: 'Confirm',
    totpDone: 'One-time code enrolled; you will need it at your next login.',
    required: 'Required',
  },
});

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

export function ChangePassword({ forced, onDone }: { forced: boolean; onDone: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [form] = Form.useForm<PasswordValues>();

  const submit = async (v: PasswordValues) => {
    setError(null);
    try {
      await api.post('password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      setDone(true);
      form.resetFields();
      onDone();
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  return (
    <Card title={t.changeTitle} style={{ maxWidth: 480 }}>
      {forced && <Alert type="warning" showIcon title={t.mustChange} style={{ marginBottom: 16 }} />}
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {done && !forced && <Alert type="success" showIcon title={t.saved} style={{ marginBottom: 16 }} />}
      <Form<PasswordValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        requiredMark={false}
      >
        <Form.Item name="currentPassword" label={t.current} rules={[{ required: true, message: t.required }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t.next}
          extra={t.policy}
          rules={[{ required: true, message: t.required }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t.repeat}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t.required },
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t.mismatch)),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t.save}
        </Button>
      </Form>
    </Card>
  );
}

export function EnrolTotp({ onDone }: { onDone: () => void }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [pending, setPending] = useState<{ uri: string; secret: string; image: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const start = async () => {
    setError(null);
    try {
      const res = await api.post<{ otpauthUri: string; secret: string }>('totp/enrol');
      const image = await QRCode.toDataURL(res.otpauthUri, { margin: 1, width: 200 });
      setPending({ uri: res.otpauthUri, secret: res.secret, image });
    } catch (err) {
      setError(errorText(lang, err));
    }
  };
  const confirm = async (code: string) => {
    setError(null);
    try {
      await api.post('totp/confirm', { code });
      setDone(true);
      onDone();
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  useEffect(() => setError(null), [lang]);

  return (
    <Card title={t.totpTitle} style={{ maxWidth: 480 }}>
      <Typography.Paragraph>{t.totpWhy}</Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {done ? (
        <Alert type="success" showIcon title={t.totpDone} />
      ) : pending === null ? (
        <Button type="primary" onClick={() => void start()}>
          {t.totpStart}
        </Button>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t.totpScan}</Typography.Text>
          <img src={pending.image} alt="otpauth QR" width={200} height={200} />
          <Typography.Text code copyable data-testid="totp-secret">
            {pending.secret}
          </Typography.Text>
          <Form<{ code: string }>
            layout="vertical"
            onFinish={(v) => void confirm(v.code)}
            requiredMark={false}
          >
            <Form.Item
              name="code"
              label={t.totpCode}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t.required }]}
            >
              <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t.totpConfirm}
            </Button>
          </Form>
        </Space>
      )}
    </Card>
  );
}
