// How money is written, everywhere (extension, CLI, webviews). Imports nothing at all: the webviews bundle it.

const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Dollars to the cent from $1 up; below that, three significant digits so small costs never read as $0.00. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) >= 1) return `$${cents.format(usd)}`;
  const text = small.format(usd);
  return `$${(text.split('.')[1]?.length ?? 0) < 2 ? cents.format(usd) : text}`;
}
