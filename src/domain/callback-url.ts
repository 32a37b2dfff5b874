/** A callback address (docs/callbacks.md): http or https, absolute. Empty means none. */
export function checkCallbackUrl(text: string | undefined): { url: string | null } | { error: string } {
  const value = (text ?? '').trim();
  if (value === '') return { url: null };
  let url: URL | null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || value.length > 500)
    return { error: '须为 http:// 或 https:// 地址，至多 500 个字符 (an http:// or https:// URL)' };
  return { url: value };
}
