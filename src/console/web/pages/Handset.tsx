/**
 * The demo's handset (docs/design.md §4.5): play a citizen. Texts go to the platform through the
 * chosen carrier simulator as a citizen's uplink; the phone's inbox is read back every second and
 * shown as a chat beside what was sent. What this page sent is remembered for the browser tab
 * (the simulator keeps only what the phone received).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import {
  Button,
  Card,
  Col,
  Empty,
  Input,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  message as antMessage,
} from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { carrierOf, normalizeMobile } from '../../../domain/phone.js';
import { api, query } from '../api.js';
import { beijingTime, defineTexts, errorText, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '模拟手机',
    settings: '手机设置',
    mobile: '手机号码',
    link: '运营商通道',
    commands: '常用指令',
    commandsHint: '点击指令填入输入框，补全参数后发送；指令不区分大小写，# 可用全角。',
    placeholder: '输入短信内容，回车发送',
    send: '发送',
    invalidMobile: '请输入 11 位手机号码',
    empty: '暂无短信。试试发送 CBXX# 查询参保信息',
    serviceNumber: '服务号码 {n}',
    demoOnly: '演示模式：短信经运营商模拟器收发，不会发送到真实手机。',
    sent: '已发送',
    BD: '绑定社会保障号码：BD#社会保障号码#服务密码',
    CBXX: '查询参保信息：CBXX#（为他人查询加姓名）',
    YLZHYE: '查询养老保险个人账户余额',
    LSGS: '社保卡临时挂失，回复受理号，办结后通知',
    TD: '退订通知和调查短信',
    KT: '恢复接收通知短信',
  },
  en: {
    title: 'Handset',
    settings: 'Phone',
    mobile: 'Mobile number',
    link: 'Carrier link',
    commands: 'Commands',
    commandsHint:
      'Click a command to put it in the box, complete it and send; case and full-width # do not matter.',
    placeholder: 'Type a text, Enter to send',
    send: 'Send',
    invalidMobile: 'An 11-digit mobile number',
    empty: 'No messages yet. Try CBXX# for your insurance summary',
    serviceNumber: 'Service number {n}',
    demoOnly: 'Demo mode: texts go through the carrier simulators, never to real phones.',
    sent: 'Sent',
    BD: 'Bind a social security number: BD#number#service password',
    CBXX: 'Insurance summary: CBXX# (add a name for someone else)',
    YLZHYE: 'Pension personal-account balance',
    LSGS: 'Report the social security card lost; you get a request number and the result later',
    TD: 'Stop notices and surveys',
    KT: 'Receive notices again',
  },
});

const DEMO_MOBILE = '13800138000';
const POLL_MS = 1000;
const COMMANDS = [
  { code: 'BD', fill: 'BD#' },
  { code: 'CBXX', fill: 'CBXX#' },
  { code: 'YLZHYE', fill: 'YLZHYE#' },
  { code: 'LSGS', fill: 'LSGS#' },
  { code: 'TD', fill: 'TD#' },
  { code: 'KT', fill: 'KT#' },
] as const;

interface Link {
  id: number;
  name: string;
  carrier: string;
  carriers: string[];
  serviceNumber: string;
}

interface Bubble {
  key: string;
  direction: 'in' | 'out';
  text: string;
  from: string;
  at: string;
}

/** What this tab sent, per link and phone. */
const storageKey = (link: number, mobile: string) => `sms12333.handset.${link}.${mobile}`;

function loadSent(link: number, mobile: string): Bubble[] {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey(link, mobile)) ?? '[]') as Bubble[];
  } catch {
    return [];
  }
}

export default function HandsetPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [links, setLinks] = useState<Link[]>([]);
  const [linkId, setLinkId] = useState<number | null>(null);
  const [mobileInput, setMobileInput] = useState(DEMO_MOBILE);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [inbox, setInbox] = useState<Bubble[]>([]);
  const [sent, setSent] = useState<Bubble[]>([]);
  const input = useRef<HTMLInputElement | null>(null);
  const screen = useRef<HTMLDivElement | null>(null);
  const mobile = normalizeMobile(mobileInput);

  useEffect(() => {
    api
      .get<{ links: Link[] }>('handset/links')
      .then((r) => setLinks(r.links))
      .catch((err: unknown) => void message.error(errorText(lang, err)));
  }, [lang, message]);

  // The link follows the number's carrier until the user picks one.
  const [picked, setPicked] = useState(false);
  useEffect(() => {
    if (picked || links.length === 0) return;
    const carrier = mobile === null ? null : carrierOf(mobile);
    const match = links.find((l) => carrier !== null && l.carriers.includes(carrier)) ?? links[0];
    if (match) setLinkId(match.id);
  }, [links, mobile, picked]);

  useEffect(() => {
    if (linkId !== null && mobile !== null) setSent(loadSent(linkId, mobile));
    setInbox([]);
  }, [linkId, mobile]);

  const poll = useCallback(async () => {
    if (linkId === null || mobile === null) return;
    try {
      const r = await api.get<{ messages: { from: string; text: string; receivedAt: string }[] }>(
        `handset/inbox${query({ link: linkId, mobile })}`,
      );
      setInbox(
        r.messages.map((m, i) => ({
          key: `in-${i}`,
          direction: 'in',
          text: m.text,
          from: m.from,
          at: m.receivedAt,
        })),
      );
    } catch {
      // A missed poll is retried in a second; the send button reports real errors.
    }
  }, [linkId, mobile]);
  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(timer);
  }, [poll]);

  const conversation = useMemo(
    () => [...sent, ...inbox].sort((a, b) => a.at.localeCompare(b.at)),
    [sent, inbox],
  );
  useEffect(() => {
    screen.current?.scrollTo({ top: screen.current.scrollHeight });
  }, [conversation.length]);

  const link = links.find((l) => l.id === linkId) ?? null;

  const send = async () => {
    const body = text.trim();
    if (body === '' || linkId === null) return;
    if (mobile === null) {
      void message.error(t.invalidMobile);
      return;
    }
    setSending(true);
    // Stamped before the call: the reply may reach the phone before the call returns.
    const at = new Date().toISOString();
    try {
      await api.post('handset/mo', { link: linkId, mobile, text: body });
      const next = [
        ...sent,
        {
          key: `out-${Date.now()}`,
          direction: 'out' as const,
          text: body,
          from: mobile,
          at,
        },
      ];
      setSent(next);
      sessionStorage.setItem(storageKey(linkId, mobile), JSON.stringify(next.slice(-100)));
      setText('');
      void poll();
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setSending(false);
    }
  };

  return (
    <Row gutter={24} wrap={false} style={{ alignItems: 'flex-start' }}>
      {messageHolder}
      <Col flex="400px">
        <div style={phoneStyle} data-testid="handset-phone">
          <div style={notchStyle} />
          <div style={statusBarStyle}>
            <span>{link?.name.split(' ')[0] ?? ''}</span>
            <span>{mobile ?? mobileInput}</span>
          </div>
          <div style={chatHeaderStyle}>
            <Typography.Text strong style={{ fontSize: 16 }}>
              12333
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {link ? t.serviceNumber.replace('{n}', link.serviceNumber) : ''}
            </Typography.Text>
          </div>
          <div ref={screen} style={screenStyle} data-testid="handset-chat">
            {conversation.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.empty} style={{ marginTop: 120 }} />
            ) : (
              conversation.map((b) => (
                <div
                  key={b.key}
                  style={{
                    display: 'flex',
                    justifyContent: b.direction === 'out' ? 'flex-end' : 'flex-start',
                  }}
                >
                  <div style={{ maxWidth: '80%' }}>
                    <div
                      style={b.direction === 'out' ? outBubbleStyle : inBubbleStyle}
                      data-testid={b.direction === 'out' ? 'bubble-out' : 'bubble-in'}
                    >
                      {b.text}
                    </div>
                    <div
                      style={{
                        fontSize: 11,
                        color: '#8c8c8c',
                        margin: '2px 6px 10px',
                        textAlign: b.direction === 'out' ? 'right' : 'left',
                      }}
                    >
                      {b.direction === 'in' ? `${b.from} · ` : ''}
                      {beijingTime(b.at).slice(11)}
                    </div>
                  </div>
                </div>
              ))
            )}
          </div>
          <div style={composerStyle}>
            <Input
              ref={(el) => {
                input.current = el?.input ?? null;
              }}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onPressEnter={() => void send()}
              placeholder={t.placeholder}
              maxLength={500}
              variant="borderless"
              style={{ background: '#fff', borderRadius: 18 }}
              data-testid="handset-text"
            />
            <Button
              type="primary"
              shape="circle"
              icon={<SendOutlined />}
              loading={sending}
              disabled={text.trim() === '' || mobile === null || linkId === null}
              onClick={() => void send()}
              aria-label={t.send}
              data-testid="handset-send"
            />
          </div>
        </div>
      </Col>
      <Col flex="auto">
        <Card title={t.settings} style={{ marginBottom: 16 }}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t.demoOnly}</Typography.Text>
            <Space wrap>
              <span>{t.mobile}</span>
              <Input
                style={{ width: 180 }}
                value={mobileInput}
                onChange={(e) => setMobileInput(e.target.value.trim())}
                status={mobile === null ? 'error' : ''}
                maxLength={14}
                aria-label={t.mobile}
                data-testid="handset-mobile"
              />
              <span>{t.link}</span>
              <Select
                style={{ width: 260 }}
                value={linkId}
                onChange={(v: number) => {
                  setPicked(true);
                  setLinkId(v);
                }}
                options={links.map((l) => ({ value: l.id, label: l.name }))}
                aria-label={t.link}
                data-testid="handset-link"
              />
            </Space>
          </Space>
        </Card>
        <Card title={t.commands}>
          <Typography.Paragraph type="secondary">{t.commandsHint}</Typography.Paragraph>
          <Space orientation="vertical" size={10} style={{ width: '100%' }}>
            {COMMANDS.map((c) => (
              <Space key={c.code} size={12}>
                <Button
                  style={{ width: 96, fontFamily: 'monospace' }}
                  onClick={() => {
                    setText(c.fill);
                    input.current?.focus();
                  }}
                  data-testid={`command-${c.code}`}
                >
                  {c.fill}
                </Button>
                <Typography.Text type="secondary">{t[c.code]}</Typography.Text>
              </Space>
            ))}
          </Space>
          {link && (
            <Tag color="blue" style={{ marginTop: 16 }}>
              {t.serviceNumber.replace('{n}', link.serviceNumber)}
            </Tag>
          )}
        </Card>
      </Col>
    </Row>
  );
}

const phoneStyle: CSSProperties = {
  position: 'relative',
  width: 380,
  height: 720,
  borderRadius: 48,
  border: '12px solid #1f1f1f',
  background: '#f5f5f5',
  boxShadow: '0 12px 32px rgba(0,0,0,0.18)',
  display: 'flex',
  flexDirection: 'column',
  overflow: 'hidden',
};
const notchStyle: CSSProperties = {
  position: 'absolute',
  top: 0,
  left: '50%',
  transform: 'translateX(-50%)',
  width: 120,
  height: 22,
  background: '#1f1f1f',
  borderBottomLeftRadius: 14,
  borderBottomRightRadius: 14,
};
const statusBarStyle: CSSProperties = {
  display: 'flex',
  justifyContent: 'space-between',
  padding: '4px 22px 0',
  fontSize: 12,
  color: '#595959',
  height: 26,
};
const chatHeaderStyle: CSSProperties = {
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'center',
  padding: '6px 0 8px',
  background: '#fafafa',
  borderBottom: '1px solid #e8e8e8',
};
const screenStyle: CSSProperties = { flex: 1, overflowY: 'auto', padding: '12px 12px 0' };
const bubbleBase: CSSProperties = {
  padding: '8px 12px',
  borderRadius: 16,
  fontSize: 14,
  lineHeight: 1.5,
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
};
const inBubbleStyle: CSSProperties = {
  ...bubbleBase,
  background: '#fff',
  color: '#262626',
  borderTopLeftRadius: 4,
  boxShadow: '0 1px 2px rgba(0,0,0,0.06)',
};
const outBubbleStyle: CSSProperties = {
  ...bubbleBase,
  background: '#1677ff',
  color: '#fff',
  borderTopRightRadius: 4,
};
const composerStyle: CSSProperties = {
  display: 'flex',
  gap: 8,
  alignItems: 'center',
  padding: '10px 12px 16px',
  background: '#ececec',
};
