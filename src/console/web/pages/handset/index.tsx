/**
 * The demo's handset (docs/design.md §4.5): play a citizen. Texts go to the platform through the
 * chosen carrier simulator as a citizen's uplink; the phone's inbox is read back every second and
 * shown as a chat beside what was sent. What this page sent is remembered for the browser tab
 * (the simulator keeps only what the phone received). The calls: contract/handset.ts.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
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
import type { HandsetInbox, HandsetLinks } from '../../../contract/handset.js';
import { carrierOf, normalizeMobile } from '../../../../domain/phone.js';
import { api, query } from '../../api.js';
import { beijingTime, errorText, useLang, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import {
  phoneStyle,
  notchStyle,
  statusBarStyle,
  chatHeaderStyle,
  screenStyle,
  inBubbleStyle,
  outBubbleStyle,
  composerStyle,
} from './styles.js';
import { TEXTS } from './texts.js';

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
  const [linkId, setLinkId] = useState<number | null>(null);
  const [mobileInput, setMobileInput] = useState(DEMO_MOBILE);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<Bubble[]>([]);
  const input = useRef<HTMLInputElement | null>(null);
  const screen = useRef<HTMLDivElement | null>(null);
  const mobile = normalizeMobile(mobileInput);

  const linksApi = useApi<HandsetLinks>('handset/links');
  const links = useMemo(() => linksApi.data?.links ?? [], [linksApi.data]);
  useEffect(() => {
    if (linksApi.error !== null) void message.error(linksApi.error);
  }, [linksApi.error, message]);

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
  }, [linkId, mobile]);

  // The phone's inbox, read every second; a missed read is retried, the send button reports real errors.
  const inboxApi = useApi<HandsetInbox>(
    linkId === null || mobile === null ? null : `handset/inbox${query({ link: linkId, mobile })}`,
    { pollMs: POLL_MS },
  );
  const inbox = useMemo<Bubble[]>(
    () =>
      inboxApi.data?.mobile === mobile
        ? inboxApi.data.messages.map((m, i) => ({
            key: `in-${i}`,
            direction: 'in',
            text: m.text,
            from: m.from,
            at: m.receivedAt,
          }))
        : [],
    [inboxApi.data, mobile],
  );

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
      void inboxApi.reload();
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
