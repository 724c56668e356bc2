import { defineConfig } from 'vite';

// The server (voronka serve --web web/dist) serves dist/ under a strict CSP:
// no inline scripts, so the entry is an external module and no preload polyfill is inlined.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` against a running `voronka serve --listen 127.0.0.1:8080`.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
