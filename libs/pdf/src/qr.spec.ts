import { create } from 'qrcode';
import { drawQrCode } from './qr';

/** A recording stand-in for the few PDFKit calls the QR code makes. */
function recorder() {
  const rects: [number, number, number, number][] = [];
  const doc = {
    save: () => doc,
    restore: () => doc,
    fillColor: () => doc,
    fill: () => doc,
    rect: (x: number, y: number, w: number, h: number) => {
      rects.push([x, y, w, h]);
      return doc;
    },
  };
  return { doc: doc as unknown as PDFKit.PDFDocument, rects };
}

describe('drawQrCode', () => {
  const url = 'https://motcua.example.gov.vn/api/v1/public/dossiers/000.27.01.H29-250304-0001?pin=K7MX4Q';

  it('draws exactly the dark modules the qrcode library encodes, inside the square with a 4-module quiet zone', () => {
    const { modules } = create(url, { errorCorrectionLevel: 'M' });
    const { doc, rects } = recorder();
    drawQrCode(doc, url, 10, 20, 100);
    const cell = 100 / (modules.size + 8);
    const dark = new Set<string>();
    for (const [x, y, w, h] of rects) {
      expect(h).toBeCloseTo(cell);
      const row = Math.round((y - 20) / cell) - 4;
      const first = Math.round((x - 10) / cell) - 4;
      for (let c = 0; c < Math.round(w / cell); c++) dark.add(`${row}:${first + c}`);
    }
    let expected = 0;
    for (let r = 0; r < modules.size; r++)
      for (let c = 0; c < modules.size; c++) {
        if (!modules.get(r, c)) continue;
        expected++;
        expect(dark.has(`${r}:${c}`)).toBe(true);
      }
    expect(dark.size).toBe(expected);
    for (const [x, y, w] of rects) {
      expect(x).toBeGreaterThanOrEqual(10 + 4 * cell - 1e-9);
      expect(y).toBeGreaterThanOrEqual(20 + 4 * cell - 1e-9);
      expect(x + w).toBeLessThanOrEqual(110 - 4 * cell + 1e-9);
    }
  });
});
