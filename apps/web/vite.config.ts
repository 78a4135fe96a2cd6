import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves apps/web/dist at `/` (with an SPA fallback). In development, Vite serves the
// UI and forwards /api to the server. The Host header is kept (no changeOrigin), so the server
// sees the page's own origin in `Origin` and its cross-site check passes for the dev page only.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:3000' } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: URLs for scripts: the server's CSP is `script-src 'self'`.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
