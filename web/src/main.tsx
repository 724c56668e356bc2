import { render } from 'preact';
import { App } from './app';
import { lang } from './i18n';
import { prefetchBoard } from './pages/board/data';
import './styles.css';

document.documentElement.lang = lang();
// Opened on the board: its one read goes out now, alongside the session check.
if (location.pathname === '/board') prefetchBoard();
render(<App />, document.getElementById('app')!);
