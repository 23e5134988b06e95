/**
 * Forms keep what is typed in sessionStorage (this tab), so that an expired token, a reload or a
 * look at another page loses nothing; a successful submit clears the draft.
 */
import { useCallback, useRef, useState } from 'preact/hooks';

const PREFIX = 'motcua.draft.';

export function readDraft<T>(key: string, initial: T): T {
  try {
    const raw = sessionStorage.getItem(PREFIX + key);
    return raw ? { ...initial, ...(JSON.parse(raw) as T) } : initial;
  } catch {
    return initial;
  }
}

export function useDraft<T extends object>(key: string, initial: T): [T, (patch: Partial<T>) => void, () => void] {
  const first = useRef(initial);
  const [value, setValue] = useState<T>(() => readDraft(key, initial));
  const update = useCallback(
    (patch: Partial<T>) =>
      setValue((prev) => {
        const next = { ...prev, ...patch };
        sessionStorage.setItem(PREFIX + key, JSON.stringify(next));
        return next;
      }),
    [key],
  );
  const clear = useCallback(() => {
    sessionStorage.removeItem(PREFIX + key);
    setValue(first.current);
  }, [key]);
  return [value, update, clear];
}
