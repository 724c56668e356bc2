import { render } from 'preact';
import { App } from './app';
import { lang } from './i18n';
import { prefetchBoard } from './pages/board/data';
import { prefetchMeta, prefetchSession } from './store';
import './styles.css';

document.documentElement.lang = lang();
// The reference data (and, opened on the board, its one read) go out now, alongside the
// session check.
prefetchSession();
if (location.pathname !== '/login') prefetchMeta();
if (location.pathname === '/board') prefetchBoard();
render(<App />, document.getElementById('app')!);
