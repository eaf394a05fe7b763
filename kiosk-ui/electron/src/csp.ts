// The Content-Security-Policy the shell adds to every response from the daemon, on top of the
// page's own meta tag, so a page served without it is still locked down.
export const CSP = [
  "default-src 'none'",
  // wasm-unsafe-eval lets the camera scanner's zxing-wasm compile; it does not allow eval() of script text.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
