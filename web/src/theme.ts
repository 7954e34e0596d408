import { Anchor, createTheme, Modal } from '@mantine/core';

// Shade 8 of blue keeps white text on primary buttons above 4.5:1 contrast.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  // No dialog or menu animations for people whose system asks for reduced motion.
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
  // Links in text must not rely on colour alone (WCAG 1.4.1).
  // A dialog's close button is an icon: it needs a name (axe: button-name).
  components: {
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
