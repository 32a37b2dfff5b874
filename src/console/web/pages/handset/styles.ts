/** The Handset page's phone frame, chat and composer styles. */
import type { CSSProperties } from 'react';

export const phoneStyle: CSSProperties = {
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
export const notchStyle: CSSProperties = {
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
export const statusBarStyle: CSSProperties = {
  display: 'flex',
  justifyContent: 'space-between',
  padding: '4px 22px 0',
  fontSize: 12,
  color: '#595959',
  height: 26,
};
export const chatHeaderStyle: CSSProperties = {
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'center',
  padding: '6px 0 8px',
  background: '#fafafa',
  borderBottom: '1px solid #e8e8e8',
};
export const screenStyle: CSSProperties = { flex: 1, overflowY: 'auto', padding: '12px 12px 0' };
const bubbleBase: CSSProperties = {
  padding: '8px 12px',
  borderRadius: 16,
  fontSize: 14,
  lineHeight: 1.5,
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
};
export const inBubbleStyle: CSSProperties = {
  ...bubbleBase,
  background: '#fff',
  color: '#262626',
  borderTopLeftRadius: 4,
  boxShadow: '0 1px 2px rgba(0,0,0,0.06)',
};
export const outBubbleStyle: CSSProperties = {
  ...bubbleBase,
  background: '#1677ff',
  color: '#fff',
  borderTopRightRadius: 4,
};
export const composerStyle: CSSProperties = {
  display: 'flex',
  gap: 8,
  alignItems: 'center',
  padding: '10px 12px 16px',
  background: '#ececec',
};
