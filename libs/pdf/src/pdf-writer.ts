/**
 * A thin layout layer over pdfkit for Vietnamese administrative forms (Nghị định 30/2020 style):
 * national motto top right, issuing agency top left, form number, centred title, place-and-date
 * line, labelled fields, signature blocks and ruled tables that break across pages with the
 * header row repeated. The DejaVu Sans font (every Vietnamese glyph) is embedded as a subset.
 */
import PDFDocument from 'pdfkit';

const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const FONT_ITALIC = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf');
const FONT_BOLD_ITALIC = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf');

export const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const NATIONAL_MOTTO = 'Độc lập - Tự do - Hạnh phúc';

export type PageFormat = 'A5' | 'A4' | 'A4-landscape';
type Style = 'regular' | 'bold' | 'italic' | 'bold-italic';

export interface AgencyHeader {
  /** The superior agency, printed in capitals above the agency (e.g. "UBND QUẬN 1"). */
  superior?: string;
  /** The issuing agency, bold capitals. */
  name: string;
}

export interface TableColumn {
  header: string;
  /** Width in points; the columns should add up to the page's content width. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface SignatureBlock {
  title: string;
  note?: string;
  name?: string;
}

export interface WriterOptions {
  format: PageFormat;
  title: string;
  /** Base font size; A5 forms use 10, A4 forms 11. */
  fontSize?: number;
}

/** Builds one form; `finish()` returns the PDF bytes. */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly fontSize: number;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(options: WriterOptions) {
    const margins =
      options.format === 'A5'
        ? { top: 28, bottom: 28, left: 32, right: 32 }
        : options.format === 'A4-landscape'
          ? { top: 28, bottom: 28, left: 22, right: 22 }
          : { top: 36, bottom: 36, left: 36, right: 36 };
    this.doc = new PDFDocument({
      size: options.format === 'A5' ? 'A5' : 'A4',
      layout: options.format === 'A4-landscape' ? 'landscape' : 'portrait',
      margins,
      font: FONT_REGULAR,
      info: { Title: options.title, Creator: 'motcua', Producer: 'motcua (pdfkit)' },
      lang: 'vi-VN',
      displayTitle: true,
    } as PDFKit.PDFDocumentOptions);
    this.doc.registerFont('regular', FONT_REGULAR);
    this.doc.registerFont('bold', FONT_BOLD);
    this.doc.registerFont('italic', FONT_ITALIC);
    this.doc.registerFont('bold-italic', FONT_BOLD_ITALIC);
    this.fontSize = options.fontSize ?? (options.format === 'A5' ? 10 : 11);
    this.doc.font('regular').fontSize(this.fontSize);
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get left(): number {
    return this.doc.page.margins.left;
  }
  get contentWidth(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  style(style: Style, size = this.fontSize): this {
    this.doc.font(style).fontSize(size);
    return this;
  }

  /**
   * The form number (top right, italic), the agency (left, centred in its column, underlined)
   * and the national motto (right, underlined), then an optional number line under the agency.
   */
  header(agency: AgencyHeader, formNumber?: string, numberLine?: string): this {
    const d = this.doc;
    const size = this.fontSize - 1;
    if (formNumber) {
      this.style('italic', size - 1);
      d.text(formNumber, this.left, d.page.margins.top, { width: this.contentWidth, align: 'right' });
      d.moveDown(0.3);
    }
    const top = d.y;
    const leftWidth = this.contentWidth * 0.4;
    const rightX = this.left + leftWidth;
    const rightWidth = this.contentWidth - leftWidth;

    let y = top;
    if (agency.superior) {
      this.style('regular', size);
      d.text(agency.superior.toUpperCase(), this.left, y, { width: leftWidth, align: 'center' });
      y = d.y;
    }
    this.style('bold', size);
    d.text(agency.name.toUpperCase(), this.left, y, { width: leftWidth, align: 'center' });
    y = d.y + 2;
    this.rule(this.left + leftWidth * 0.3, y, leftWidth * 0.4);
    y += 4;
    if (numberLine) {
      this.style('regular', size);
      d.text(numberLine, this.left, y, { width: leftWidth, align: 'center' });
      y = d.y;
    }
    const leftBottom = y;

    this.style('bold', size);
    d.text(NATIONAL_NAME, rightX, top, { width: rightWidth, align: 'center' });
    d.text(NATIONAL_MOTTO, rightX, d.y, { width: rightWidth, align: 'center' });
    const mottoWidth = d.widthOfString(NATIONAL_MOTTO);
    const ry = d.y + 2;
    this.rule(rightX + (rightWidth - mottoWidth) / 2, ry, mottoWidth);
    d.x = this.left;
    d.y = Math.max(leftBottom, ry + 4);
    this.style('regular');
    return this;
  }

  /** Right-aligned italic line, e.g. the place and date. */
  placeDate(text: string): this {
    this.style('italic', this.fontSize - 0.5);
    this.doc.text(text, this.left, this.doc.y + 4, { width: this.contentWidth, align: 'right' });
    this.style('regular');
    return this;
  }

  /** Centred bold title with optional lines under it. */
  title(text: string, ...subtitles: string[]): this {
    const d = this.doc;
    d.moveDown(0.8);
    this.style('bold', this.fontSize + 2);
    d.text(text.toUpperCase(), this.left, d.y, { width: this.contentWidth, align: 'center' });
    for (const s of subtitles) {
      this.style('italic', this.fontSize);
      d.text(s, this.left, d.y, { width: this.contentWidth, align: 'center' });
    }
    d.moveDown(0.6);
    this.style('regular');
    return this;
  }

  /** `label value` as one paragraph, the value in bold. */
  field(label: string, value: string | undefined, options: { boldValue?: boolean } = {}): this {
    const d = this.doc;
    this.ensureSpace(this.fontSize * 1.5);
    this.style('regular');
    d.text(`${label} `, this.left, d.y, { width: this.contentWidth, continued: true });
    this.style(options.boldValue === false ? 'regular' : 'bold');
    d.text(value && value.length > 0 ? value : '…………………………', { continued: false });
    this.style('regular');
    d.moveDown(0.15);
    return this;
  }

  paragraph(text: string, options: { style?: Style; align?: 'left' | 'center' | 'right' | 'justify'; indent?: number } = {}): this {
    const d = this.doc;
    this.ensureSpace(this.fontSize * 1.5);
    this.style(options.style ?? 'regular');
    d.text(text, this.left, d.y, { width: this.contentWidth, align: options.align ?? 'left', indent: options.indent ?? 0 });
    this.style('regular');
    d.moveDown(0.15);
    return this;
  }

  space(lines = 0.5): this {
    this.doc.moveDown(lines);
    return this;
  }

  /** Signature blocks side by side: title in bold capitals, note in italics, room to sign, name. */
  signatures(blocks: SignatureBlock[], options: { alignRight?: boolean } = {}): this {
    const d = this.doc;
    const needed = this.fontSize * 9;
    this.ensureSpace(needed);
    d.moveDown(0.8);
    const top = d.y;
    const count = options.alignRight && blocks.length === 1 ? 2 : blocks.length;
    const width = this.contentWidth / count;
    let lowest = top;
    blocks.forEach((b, i) => {
      const x = this.left + width * (options.alignRight && blocks.length === 1 ? 1 : i);
      this.style('bold');
      d.text(b.title.toUpperCase(), x, top, { width, align: 'center' });
      if (b.note) {
        this.style('italic', this.fontSize - 1);
        d.text(b.note, x, d.y, { width, align: 'center' });
      }
      const nameY = d.y + this.fontSize * 4;
      if (b.name) {
        this.style('bold');
        d.text(b.name, x, nameY, { width, align: 'center' });
      }
      lowest = Math.max(lowest, b.name ? d.y : nameY);
    });
    d.x = this.left;
    d.y = lowest;
    this.style('regular');
    return this;
  }

  /**
   * A ruled table. Each row is as tall as its tallest cell; a row that does not fit goes to a new
   * page, where the header row is drawn again.
   */
  table(columns: TableColumn[], rows: string[][], options: { fontSize?: number; headerFontSize?: number; padding?: number } = {}): this {
    const d = this.doc;
    const size = options.fontSize ?? this.fontSize - 2;
    const headerSize = options.headerFontSize ?? size;
    const pad = options.padding ?? 3;
    const x0 = this.left;
    const totalWidth = columns.reduce((s, c) => s + c.width, 0);

    const cellHeight = (text: string, width: number) => d.heightOfString(text.length ? text : ' ', { width: width - 2 * pad });
    const rowHeight = (cells: string[], style: Style, fs: number) => {
      this.style(style, fs);
      return Math.max(...columns.map((c, i) => cellHeight(cells[i] ?? '', c.width))) + 2 * pad;
    };
    const drawRow = (cells: string[], y: number, h: number, style: Style, fs: number, header: boolean) => {
      if (header) d.save().rect(x0, y, totalWidth, h).fill('#eeeeee').restore();
      this.style(style, fs);
      let x = x0;
      columns.forEach((c, i) => {
        d.save().lineWidth(0.5).rect(x, y, c.width, h).stroke().restore();
        const text = cells[i] ?? '';
        if (text.length)
          d.fillColor('black').text(text, x + pad, y + pad, { width: c.width - 2 * pad, align: header ? 'center' : (c.align ?? 'left'), lineBreak: true });
        x += c.width;
      });
    };
    const headers = columns.map((c) => c.header);
    const headerHeight = rowHeight(headers, 'bold', headerSize);

    let y = d.y;
    if (y + headerHeight + size * 3 > this.bottom) {
      d.addPage();
      y = d.page.margins.top;
    }
    drawRow(headers, y, headerHeight, 'bold', headerSize, true);
    y += headerHeight;
    for (const row of rows) {
      const h = rowHeight(row, 'regular', size);
      if (y + h > this.bottom) {
        d.addPage();
        y = d.page.margins.top;
        drawRow(headers, y, headerHeight, 'bold', headerSize, true);
        y += headerHeight;
      }
      drawRow(row, y, h, 'regular', size, false);
      y += h;
    }
    d.x = x0;
    d.y = y + 4;
    this.style('regular');
    return this;
  }

  /** Starts a new page if fewer than `height` points are left. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  async finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }

  private rule(x: number, y: number, width: number): void {
    this.doc
      .save()
      .lineWidth(0.6)
      .moveTo(x, y)
      .lineTo(x + width, y)
      .stroke()
      .restore();
  }
}
