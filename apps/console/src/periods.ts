/** Report periods: month / quarter / year presets as local dates (yyyy-MM-dd), inclusive. */
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Month / quarter / year presets in the unit's zone, ending today at the latest. */
export function presets(today: string): { key: string; label: string; from: string; to: string }[] {
  const [y, m] = today.split('-').map(Number);
  const cap = (to: string) => (to > today ? today : to);
  const month = (yy: number, mm: number) => ({ from: `${yy}-${pad(mm)}-01`, to: cap(`${yy}-${pad(mm)}-${pad(lastDay(yy, mm))}`) });
  const quarter = (yy: number, q: number) => ({ from: `${yy}-${pad(q * 3 - 2)}-01`, to: cap(`${yy}-${pad(q * 3)}-${pad(lastDay(yy, q * 3))}`) });
  const q = Math.ceil(m / 3);
  return [
    { key: 'this-month', label: 'Tháng này', ...month(y, m) },
    { key: 'last-month', label: 'Tháng trước', ...(m === 1 ? month(y - 1, 12) : month(y, m - 1)) },
    { key: 'this-quarter', label: 'Quý này', ...quarter(y, q) },
    { key: 'last-quarter', label: 'Quý trước', ...(q === 1 ? quarter(y - 1, 4) : quarter(y, q - 1)) },
    { key: 'this-year', label: 'Năm nay', from: `${y}-01-01`, to: today },
    { key: 'last-year', label: 'Năm trước', from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
  ];
}
