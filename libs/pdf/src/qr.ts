/**
 * QR codes on the forms, encoded by `qrcode` (a maintained library: versions, masks and error
 * correction are not hand-written here) and drawn as vector squares, so they stay sharp at any
 * print size and add no image to the PDF.
 */
import { create } from 'qrcode';

/** Draws `text` as a QR code (error correction M, quiet zone of 4 modules included) in a `size` × `size` square at (x, y). */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = size / (modules.size + 2 * quiet);
  doc.save().fillColor('black');
  for (let row = 0; row < modules.size; row++) {
    // one rectangle per run of dark modules (no seams between neighbours)
    for (let col = 0; col < modules.size;) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x + (start + quiet) * cell, y + (row + quiet) * cell, (col - start) * cell, cell);
    }
  }
  doc.fill().restore();
}
