import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by the API process from web/dist (same origin, so the refresh cookie and
// /api/v1 need no CORS). `npm run dev --workspace web` proxies /api to a running platform
// (POLYCOPY_API_URL, default http://127.0.0.1:3000) for hot reload.
const apiTarget = process.env.POLYCOPY_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
});
