/** The login form: user name and password, then a one-time code when the account has one (§8.1 b). */
import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { api, ApiError } from './api.js';
import { defineTexts, errorText, useLang, useTexts } from './i18n.js';
import type { Me } from './session.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';

const TEXTS = defineTexts({
  zh: {
    title: '12333 短信服务平台',
    subtitle: '管理控制台',
    username: '用户名',
    password: '密码',
    totp: '动态口令（6 位数字）',
    totpHint: '请打开身份验证器应用，输入当前显示的 6 位动态口令。',
    submit: '登录',
    required: '请填写此项',
    timedOut: '会话已超时，请重新登录。',
    tagline: '人力资源和社会保障部门 12333 短信服务',
    standard: '依据 LD/T 6007—2024《人力资源社会保障短信服务技术规范》',
    notice: '本系统仅限授权人员使用，所有操作均记录审计日志。',
  },
  en: {
    title: '12333 SMS Service Platform',
    subtitle: 'Management console',
    username: 'User name',
    password: 'Password',
    totp: 'One-time code (6 digits)',
    totpHint: 'Open your authenticator app and enter the 6-digit code it shows.',
    submit: 'Log in',
    required: 'Required',
    timedOut: 'Your session timed out. Please log in again.',
    tagline: 'The 12333 SMS service of human resources and social security',
    standard: 'Built to LD/T 6007—2024, the technical specification of the 12333 SMS service',
    notice: 'For authorised staff only. Every action is recorded in the audit log.',
  },
});

interface LoginValues {
  username: string;
  password: string;
  totp?: string;
}

export function Login({ onLoggedIn, timedOut }: { onLoggedIn: (me: Me) => void; timedOut: boolean }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: LoginValues) => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        username: values.username,
        password: values.password,
        ...(needTotp && { totp: values.totp ?? '' }),
      };
      const res = await api.post<Pick<Me, 'csrfToken' | 'user'>>('login', body);
      onLoggedIn({ ...res, expiresAt: '' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') setNeedTotp(true);
      else setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex' }}>
      <div
        style={{
          flex: '1 1 55%',
          background: 'linear-gradient(135deg, #0b3d91 0%, #1a5fb4 55%, #3584e4 100%)',
          color: '#fff',
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'center',
          padding: '0 8%',
        }}
      >
        <div style={{ fontSize: 56, fontWeight: 700, letterSpacing: 4 }}>12333</div>
        <div style={{ fontSize: 28, fontWeight: 600, marginTop: 8 }}>{t.title}</div>
        <div style={{ fontSize: 16, marginTop: 16, opacity: 0.9 }}>{t.tagline}</div>
        <div style={{ fontSize: 13, marginTop: 48, opacity: 0.7 }}>{t.standard}</div>
      </div>
      <div
        style={{
          flex: '0 0 480px',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          background: '#fff',
        }}
      >
        <div style={{ width: 360 }}>
          <div
            style={{
              display: 'flex',
              justifyContent: 'space-between',
              alignItems: 'center',
              marginBottom: 24,
            }}
          >
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t.subtitle}
            </Typography.Title>
            <LanguageSwitch />
          </div>
          {timedOut && <Alert type="warning" showIcon title={t.timedOut} style={{ marginBottom: 16 }} />}
          {error !== null && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          )}
          <Form<LoginValues>
            layout="vertical"
            size="large"
            onFinish={(v) => void submit(v)}
            requiredMark={false}
          >
            <Form.Item name="username" label={t.username} rules={[{ required: true, message: t.required }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item name="password" label={t.password} rules={[{ required: true, message: t.required }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            {needTotp && (
              <>
                <Typography.Paragraph type="secondary">{t.totpHint}</Typography.Paragraph>
                <Form.Item
                  name="totp"
                  label={t.totp}
                  rules={[{ required: true, pattern: /^\d{6}$/, message: t.required }]}
                >
                  <Input
                    prefix={<SafetyOutlined />}
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={6}
                    autoFocus
                  />
                </Form.Item>
              </>
            )}
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t.submit}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
            {t.notice}
          </Typography.Paragraph>
        </div>
      </div>
    </div>
  );
}
