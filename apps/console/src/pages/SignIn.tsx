import { useState } from 'preact/hooks';
import { ProblemBox } from '../components';
import { saveToken, User } from '../session';
import { getJson, problemText } from '../api';
import { forgetReference } from '../reference';

/** Paste a token (the CLI's `token` command, or the link `npm run demo` prints). */
export function SignIn({ reason, onSignedIn }: { reason?: string; onSignedIn: (u: User) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const user = saveToken(token);
      forgetReference();
      await getJson('/units'); // the API accepts the token
      onSignedIn(user);
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} class="card">
        <h1>Bộ phận Một cửa — Đăng nhập</h1>
        {reason ? (
          <div class="notice" role="status" id="signin-reason">
            {reason}
          </div>
        ) : null}
        <label for="token">Mã đăng nhập (JWT) do quản trị cấp</label>
        <textarea id="token" rows={5} value={token} onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)} autoFocus required />
        <ProblemBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Đăng nhập
        </button>
        <p class="hint">
          Dùng thử: <code>npm run demo</code> in ra đường dẫn đăng nhập sẵn cho cán bộ một cửa và quản trị.
        </p>
      </form>
    </main>
  );
}
