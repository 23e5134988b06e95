import { useEffect, useState } from 'preact/hooks';
import { problemText } from '../api';
import { DossierTable, ListItem, Notice, ProblemBox } from '../components';
import { DOSSIER_CODE, findByCode, searchText } from '../find';
import type { Reference } from '../reference';
import { navigate, Route } from '../router';

/** One box for the scanner and the keyboard: a code + Enter opens the dossier, other text lists matches. */
export function FindBox({ autoFocus = false, compact = false }: { autoFocus?: boolean; compact?: boolean }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    setError(undefined);
    if (!DOSSIER_CODE.test(t)) {
      navigate('/tim', { q: t });
      return;
    }
    setBusy(true);
    try {
      const hit = await findByCode(t);
      if (hit) {
        setText('');
        navigate(`/ho-so/${hit.id}`);
      } else setError(`Không tìm thấy hồ sơ mã ${t} trong các đơn vị của bạn.`);
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class={compact ? 'find compact' : 'find'} role="search">
      <input
        id={compact ? 'find-top' : 'find'}
        aria-label="Tìm hồ sơ theo mã, họ tên, số CCCD hoặc số điện thoại"
        placeholder="Mã hồ sơ (quét mã vạch), họ tên, CCCD, SĐT — Enter"
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        autoFocus={autoFocus}
        disabled={busy}
      />
      {compact ? null : (
        <button type="submit" disabled={busy}>
          Tìm
        </button>
      )}
      <ProblemBox error={error} />
    </form>
  );
}

/** `#/tim?q=`: text search results. */
export function SearchResults({ route, ref_ }: { route: Route; ref_: Reference }) {
  const q = route.params.get('q') ?? '';
  const [items, setItems] = useState<ListItem[]>();
  const [unsupported, setUnsupported] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    setUnsupported(false);
    searchText(q)
      .then((page) => (page ? setItems(page.items) : setUnsupported(true)))
      .catch((e) => setError(problemText(e)));
  }, [q]);
  return (
    <div class="page">
      <section class="card">
        <h2>Kết quả tìm “{q}”</h2>
        <FindBox />
        <ProblemBox error={error} />
        {unsupported ? <Notice>Máy chủ chưa hỗ trợ tìm theo họ tên, CCCD hoặc số điện thoại; hãy tìm theo mã hồ sơ.</Notice> : null}
        {items ? <DossierTable items={items} ref_={ref_} /> : null}
      </section>
    </div>
  );
}
