/** PDF adapter: the printable forms (Thông tư 01/2018 and 03/2025 numbering) rendered with pdfkit and an embedded DejaVu Sans font. */
export * from './format';
export * from './pdf-writer';
export * from './forms';
export * from './notices';
