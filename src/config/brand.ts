/**
 * Branding of every page: product name, logo and accent colour (BRAND_* settings). The
 * accent is the background of buttons with white text and the colour of links on white,
 * so it must reach WCAG 2.2's 4.5:1 contrast against white (success criterion 1.4.3).
 */

/** Relative luminance of an sRGB colour `#rrggbb` (WCAG 2.2, "relative luminance"). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** Contrast ratio of `#rrggbb` against white. */
export function contrastOnWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** Why an accent colour cannot be used, or undefined. */
export function accentProblem(value: string): string | undefined {
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) return 'expected a colour as #rrggbb, e.g. #1a1a1a';
  const ratio = contrastOnWhite(value);
  return ratio < 4.5 ? `contrast against white is ${ratio.toFixed(2)}:1; white text on it needs at least 4.5:1 (WCAG 2.2 SC 1.4.3): choose a darker colour` : undefined;
}
