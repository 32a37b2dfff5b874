/**
 * What every page did by hand before: load a call's answer, keep the error in the current
 * language, show a spinner while loading, reload after a change, and optionally poll. The answer's
 * type comes from the call's contract (src/console/contract/).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { message as antMessage } from 'antd';
import { api } from './api.js';
import { errorText, useLang } from './i18n.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** GETs `path` (null: not yet) and again whenever it changes, every `pollMs` when given. */
export function useApi<T>(path: string | null, options: { pollMs?: number } = {}): Loaded<T> {
  const lang = useLang();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  // The latest path: an answer to an older one that arrives late is dropped.
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const answer = await api.get<T>(path);
      if (current.current !== path) return;
      setData(answer);
      setError(null);
    } catch (err) {
      if (current.current === path) setError(errorText(lang, err));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path, lang]);

  useEffect(() => {
    void reload();
    if (options.pollMs === undefined) return;
    const timer = setInterval(() => void reload(), options.pollMs);
    return () => clearInterval(timer);
  }, [reload, options.pollMs]);

  return { data, error, loading, reload };
}

/** Runs a change, says so (or shows its error) and reloads; answers whether it worked. */
export function useAction(
  reload: () => Promise<void>,
): (run: () => Promise<unknown>, done: string) => Promise<boolean> {
  const lang = useLang();
  return useCallback(
    async (run, done) => {
      try {
        await run();
        void antMessage.success(done);
        await reload();
        return true;
      } catch (err) {
        void antMessage.error(errorText(lang, err));
        return false;
      }
    },
    [lang, reload],
  );
}
