/**
 * The console's frame: who is logged in decides what shows — the login form, the forced first
 * steps (new password, second factor), or the menu of the pages the user's roles open. Pages live
 * at #/key (pages/registry.tsx).
 */
import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Button, ConfigProvider, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { api, ApiError, SESSION_LOST, setCsrfToken } from './api.js';
import { ChangePassword, EnrolTotp } from './Account.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { defineTexts, LangContext, ROLE_NAMES, useLang, useTexts, type Lang } from './i18n.js';
import { Login } from './Login.js';
import { GROUP_NAMES, PAGES, pageAllowed, type PageGroup } from './pages/registry.js';
import { SessionContext, type Me, type SessionValue } from './session.js';

const TEXTS = defineTexts({
  zh: {
    brand: '12333 短信服务平台',
    account: '我的账户',
    logout: '退出',
    forbidden: '您的角色无权访问此页面',
    notFound: '没有此页面',
    firstSteps: '请先完成以下设置',
  },
  en: {
    brand: '12333 SMS Platform',
    account: 'My account',
    logout: 'Log out',
    forbidden: 'Your roles do not open this page',
    notFound: 'No such page',
    firstSteps: 'Please complete these steps first',
  },
});

function currentHash(): string {
  return window.location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
}

function useHashRoute(): string {
  const [key, setKey] = useState(currentHash);
  useEffect(() => {
    const onChange = () => setKey(currentHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return key;
}

function Shell({ session }: { session: SessionValue }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const route = useHashRoute();
  const { me } = session;
  const allowed = useMemo(
    () => PAGES.filter((p) => pageAllowed(p, me.user.permissions, me.demo === true)),
    [me],
  );
  const key = route === '' ? (allowed[0]?.key ?? 'account') : route;
  const page = PAGES.find((p) => p.key === key);

  useEffect(() => {
    if (route === '' && allowed[0]) window.location.replace(`#/${allowed[0].key}`);
  }, [route, allowed]);
  useEffect(() => {
    // The access log records page views (§8.1 c).
    if (key !== '') void api.post('access', { page: key }).catch(() => undefined);
  }, [key]);

  const groups = (Object.keys(GROUP_NAMES) as PageGroup[])
    .map((g) => ({
      key: g,
      type: 'group' as const,
      label: GROUP_NAMES[g][lang],
      children: allowed.filter((p) => p.group === g).map((p) => ({ key: p.key, label: p[lang] })),
    }))
    .filter((g) => g.children.length > 0);

  let content;
  if (key === 'account')
    content = (
      <Space orientation="vertical" size="large">
        <ChangePassword forced={false} onDone={() => undefined} />
        {me.user.roles.some((r) => r === 'system-admin' || r === 'security-admin' || r === 'auditor') && (
          <EnrolTotp onDone={() => undefined} />
        )}
      </Space>
    );
  else if (!page) content = <Result status="404" title={t.notFound} />;
  else if (!allowed.includes(page))
    content = <Result status="403" title={t.forbidden} data-testid="forbidden" />;
  else {
    const Page = page.component;
    content = (
      <Suspense fallback={<Spin />}>
        <Page />
      </Suspense>
    );
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={208}
        theme="light"
        breakpoint="lg"
        collapsedWidth={0}
        style={{ borderInlineEnd: '1px solid #f0f0f0' }}
      >
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>{t.brand}</div>
        <Menu
          style={{ borderInlineEnd: 'none' }}
          mode="inline"
          selectedKeys={[key]}
          items={groups}
          onClick={(e) => {
            window.location.hash = `#/${e.key}`;
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            padding: '0 24px',
          }}
        >
          <Typography.Title level={4} style={{ margin: 0 }}>
            {page ? page[lang] : key === 'account' ? t.account : ''}
          </Typography.Title>
          <Space>
            <LanguageSwitch />
            <a href="#/account" data-testid="current-user">
              <UserOutlined /> {me.user.username}
            </a>
            {me.user.roles.map((r) => (
              <Tag key={r} color="blue">
                {ROLE_NAMES[r][lang]}
              </Tag>
            ))}
            <Button icon={<LogoutOutlined />} onClick={() => void session.logout()}>
              {t.logout}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>{content}</Layout.Content>
      </Layout>
    </Layout>
  );
}

function FirstSteps({ me, refresh }: { me: Me; refresh: () => Promise<void> }) {
  const t = useTexts(TEXTS);
  return (
    <div style={{ minHeight: '100vh', background: '#f0f2f5', padding: 48 }}>
      <Space orientation="vertical" size="large" style={{ display: 'flex', alignItems: 'center' }}>
        <Space>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t.firstSteps}
          </Typography.Title>
          <LanguageSwitch />
        </Space>
        {me.user.mustChangePassword ? (
          <ChangePassword forced onDone={() => void refresh()} />
        ) : (
          <EnrolTotp onDone={() => void refresh()} />
        )}
      </Space>
    </div>
  );
}

/** Follows the system's "reduce motion" setting: dialogs and menus then open and close without animation. */
function useReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const follow = () => setReduced(list.matches);
    list.addEventListener('change', follow);
    return () => list.removeEventListener('change', follow);
  }, []);
  return reduced;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(() =>
    localStorage.getItem('sms12333.lang') === 'en' ? 'en' : 'zh',
  );
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [timedOut, setTimedOut] = useState(false);
  const reducedMotion = useReducedMotion();

  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('sms12333.lang', l);
    document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
    setLangState(l);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const next = await api.get<Me>('me');
      setCsrfToken(next.csrfToken);
      setMe(next);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setMe(null);
      else throw err;
    }
  }, []);

  useEffect(() => {
    void refresh();
    const lost = () => {
      setTimedOut(true);
      setMe(null);
    };
    window.addEventListener(SESSION_LOST, lost);
    return () => window.removeEventListener(SESSION_LOST, lost);
  }, [refresh]);

  const session = useMemo<SessionValue | null>(
    () =>
      me
        ? {
            me,
            can: (...actions) => actions.some((a) => me.user.permissions.includes(a)),
            refresh,
            logout: async () => {
              await api.post('logout').catch(() => undefined);
              setTimedOut(false);
              setMe(null);
            },
          }
        : null,
    [me, refresh],
  );

  let body;
  if (me === undefined) body = <Spin style={{ margin: 64 }} />;
  else if (me === null || !session)
    body = (
      <Login
        timedOut={timedOut}
        onLoggedIn={(next) => {
          setCsrfToken(next.csrfToken);
          setTimedOut(false);
          void refresh();
        }}
      />
    );
  else if (me.user.mustChangePassword || me.user.mustEnrolTotp)
    body = <FirstSteps me={me} refresh={refresh} />;
  else body = <Shell session={session} />;

  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <ConfigProvider
        locale={lang === 'en' ? enUS : zhCN}
        theme={{ token: { colorPrimary: '#1a5fb4', motion: !reducedMotion } }}
      >
        <SessionContext.Provider value={session}>{body}</SessionContext.Provider>
      </ConfigProvider>
    </LangContext.Provider>
  );
}
