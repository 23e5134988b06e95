import { render } from 'preact';
import { App } from './app';
import { saveToken } from './session';
import './styles.css';

// `/console/#token=<JWT>` (the link `npm run demo` prints): sign in, then drop the token from the address bar
const m = /^#token=([^&]+)/.exec(location.hash);
if (m) {
  try {
    saveToken(decodeURIComponent(m[1]));
  } catch {
    /* a bad or expired token: the sign-in page says so when the user pastes one */
  }
  history.replaceState(null, '', `${location.pathname}#/`);
}

render(<App />, document.getElementById('app')!);
