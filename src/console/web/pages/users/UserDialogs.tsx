/**
 * The Users page's dialogs: choosing roles (with 三员分立 explained before the server refuses),
 * creating a user, and showing a one-time password once.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Checkbox, Form, Input, Modal, Typography } from 'antd';
import {
  CONSOLE_ROLES,
  EXCLUSIVE_ROLES,
  parseRoles,
  type ConsoleRole,
} from '../../../../domain/console-roles.js';
import { api } from '../../api.js';
import { defineTexts, errorText, fill, ROLE_NAMES, useLang, useTexts } from '../../i18n.js';
import { OneTimeSecretDialog } from '../../components/OneTimeSecretDialog.js';

const TEXTS = defineTexts({
  zh: {
    createTitle: '新建用户',
    editTitle: '修改角色：{name}',
    username: '用户名',
    usernameHint: '2–64 个字母、数字或 _ . -，创建后不可修改',
    usernameBad: '用户名须为 2–64 个字母、数字或 _ . -',
    roles: '角色',
    rolesEmpty: '至少选择一个角色',
    separation:
      '三员分立：系统管理员、安全管理员、审计管理员三者互斥，不得由同一人兼任；其他角色可自由组合。',
    exclusive: '{roles} 互斥（三员分立），只能选择其中一个',
    create: '创建',
    save: '保存',
    cancel: '取消',
    pwTitle: '一次性初始密码',
    pwFor: '用户 {name} 的一次性密码：',
    pwOnce: '此密码只显示这一次，关闭后无法再查看。请通过安全渠道告知用户；用户首次登录时必须修改密码。',
    close: '我已记下，关闭',
    adminRole: '管理员',
  },
  en: {
    createTitle: 'New user',
    editTitle: 'Change roles: {name}',
    username: 'User name',
    usernameHint: '2–64 letters, digits or _ . -; cannot be changed later',
    usernameBad: 'User names are 2–64 letters, digits or _ . -',
    roles: 'Roles',
    rolesEmpty: 'Choose at least one role',
    separation:
      'Separation of duties: system, security and audit administrator exclude each other; the other roles combine freely.',
    exclusive: '{roles} exclude each other (separation of duties): choose one',
    create: 'Create',
    save: 'Save',
    cancel: 'Cancel',
    pwTitle: 'One-time initial password',
    pwFor: 'One-time password of {name}:',
    pwOnce:
      'This password is shown only now. Tell the user over a safe channel; they must change it at their first login.',
    close: 'Noted, close',
    adminRole: 'administrator',
  },
});

/** Tag colours: the three administrator roles stand out. */
export const ROLE_COLORS: Record<ConsoleRole, string> = {
  'system-admin': 'red',
  'security-admin': 'volcano',
  auditor: 'purple',
  operator: 'blue',
  reviewer: 'cyan',
  'case-handler': 'green',
};

/** The 三员分立 problem of a selection, in the page's language; null when it is allowed. */
function useRoleProblem(roles: readonly ConsoleRole[]): string | null {
  const t = useTexts(TEXTS);
  const lang = useLang();
  return useMemo(() => {
    if (roles.length === 0) return null;
    const parsed = parseRoles(roles.join(','));
    if ('roles' in parsed || parsed.problem.kind !== 'exclusive') return null;
    return fill(t.exclusive, {
      roles: parsed.problem.roles.map((r) => ROLE_NAMES[r][lang]).join(lang === 'zh' ? '、' : ', '),
    });
  }, [roles, t, lang]);
}

function RolePicker({
  value,
  onChange,
}: {
  value?: ConsoleRole[];
  onChange?: (roles: ConsoleRole[]) => void;
}) {
  const lang = useLang();
  const t = useTexts(TEXTS);
  return (
    <Checkbox.Group
      value={value ?? []}
      onChange={(v) => onChange?.(v)}
      style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', rowGap: 8 }}
      options={CONSOLE_ROLES.map((r) => ({
        value: r,
        label: (
          <span data-testid={`role-${r}`}>
            {ROLE_NAMES[r][lang]}
            {EXCLUSIVE_ROLES.includes(r) && (
              <Typography.Text type="secondary" style={{ marginLeft: 4, fontSize: 12 }}>
                ({t.adminRole})
              </Typography.Text>
            )}
          </span>
        ),
      }))}
    />
  );
}

interface RoleFormValues {
  username?: string;
  roles: ConsoleRole[];
}

/**
 * Create (no `username` given) or change roles of `username`. `onSaved` gets the server's answer;
 * for a create it holds the one-time password.
 */
export function RolesDialog({
  open,
  username,
  initialRoles,
  onClose,
  onSaved,
}: {
  open: boolean;
  username: string | null;
  initialRoles: ConsoleRole[];
  onClose: () => void;
  onSaved: (answer: { username: string; initialPassword?: string }) => void;
}) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<RoleFormValues>();
  // Undefined until the form has mounted.
  const watched = Form.useWatch('roles', form) as ConsoleRole[] | undefined;
  const roles = watched ?? [];
  const problem = useRoleProblem(roles);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const creating = username === null;

  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  const submit = async (v: RoleFormValues) => {
    if (problem !== null) return;
    setBusy(true);
    setError(null);
    try {
      const answer = creating
        ? await api.post<{ username: string; initialPassword: string }>('users', {
            username: v.username,
            roles: v.roles,
          })
        : await api.put<{ username: string }>(`users/${encodeURIComponent(username)}/roles`, {
            roles: v.roles,
          });
      onSaved(answer);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={creating ? t.createTitle : fill(t.editTitle, { name: username })}
      okText={creating ? t.create : t.save}
      cancelText={t.cancel}
      confirmLoading={busy}
      okButtonProps={{ disabled: problem !== null }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={560}
    >
      <Alert type="info" showIcon title={t.separation} style={{ marginBottom: 16 }} />
      {error !== null && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="users-error" />
      )}
      <Form<RoleFormValues>
        form={form}
        initialValues={{ username: '', roles: initialRoles }}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => void submit(v)}
      >
        {creating && (
          <Form.Item
            name="username"
            label={t.username}
            extra={t.usernameHint}
            rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{2,64}$/, message: t.usernameBad }]}
          >
            <Input autoComplete="off" maxLength={64} />
          </Form.Item>
        )}
        <Form.Item
          name="roles"
          label={t.roles}
          rules={[{ required: true, type: 'array', min: 1, message: t.rolesEmpty }]}
          {...(problem !== null && { validateStatus: 'error' as const, help: problem })}
        >
          <RolePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Shows a one-time password once, with a copy button. */
export function PasswordDialog({
  shown,
  onClose,
}: {
  shown: { username: string; password: string } | null;
  onClose: () => void;
}) {
  const t = useTexts(TEXTS);
  return (
    <OneTimeSecretDialog
      shown={shown && { intro: fill(t.pwFor, { name: shown.username }), secret: shown.password }}
      title={t.pwTitle}
      warning={t.pwOnce}
      closeText={t.close}
      testId="one-time-password"
      onClose={onClose}
    />
  );
}
